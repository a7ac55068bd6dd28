"""Sign-in hardening: redirects that never leave the site, one answer for every name, a lockout a real
person recovers from, and a rate limit per address."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.client_request import Page
from tests.fixtures.pages import PASSWORD, csrf, sign_in
from web.ui.auth.session import safe_next
from web.wiring import get_engine

HOSTILE_NEXT = ["/%09/evil.example", "/%0a/evil.example", "/%0d/evil.example", "/%5c/evil.example",
                "/%5Cevil.example", "%5c%5cevil.example", "/\\evil.example", "//evil.example",
                "https://evil.example/", "/%20/evil.example", "/%7f/evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "/\r/evil.example",
                                    "/\\evil.example", "\\\\evil.example", "/ /evil.example", "///evil.example",
                                    "/\x00/evil.example", "http:/evil.example", "//evil.example"])
def test_a_next_path_a_browser_would_read_as_another_site_is_refused(target: str) -> None:
    assert safe_next(target) is None


def test_a_next_path_on_this_site_is_kept() -> None:
    assert safe_next("/tasks/12?tab=history") == "/tasks/12?tab=history"
    assert safe_next("/families/F-2027-000001") == "/families/F-2027-000001"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_signing_in_never_redirects_off_the_site(client: FlaskClient, people: None, target: str) -> None:
    response = sign_in(client, "cm1", next_path=target)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    again = client.get(f"/sign-in?next={target}")  # signed in already: straight on, still on this site
    assert again.status_code == 302 and again.headers["Location"] == "/inbox"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example", "/\n/evil.example"])
def test_stay_signed_in_never_redirects_off_the_site(client: FlaskClient, people: None, target: str) -> None:
    sign_in(client, "cm1")
    page = client.get("/inbox").get_data(as_text=True)
    response = client.post("/session/keep-alive", data={"csrf_token": csrf(page), "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def _answer(client: FlaskClient, username: str, password: str) -> tuple[int, list[str]]:
    response = sign_in(client, username, password)
    return response.status_code, Page(response).error_summary


def test_every_name_gets_the_same_answer_however_often_it_is_tried(app: Flask, client: FlaskClient,
                                                                   people: None) -> None:
    attempts = app.config["LOCKOUT_ATTEMPTS"]
    real = [_answer(client, "cm1", "wrong password!") for _ in range(attempts + 2)]
    unknown = [_answer(client, "nobody-here", "wrong password!") for _ in range(attempts + 2)]
    assert real == unknown  # a real, now locked account answers as a name that does not exist
    assert len({answer for answer in map(str, real)}) == 1
    status, errors = real[-1]
    assert status == 401 and errors == [
        f"Enter a correct username and password. After {attempts} wrong passwords an account is locked "
        f"for {app.config['LOCKOUT_MINUTES']:g} minutes"]
    assert _answer(client, "cm1", PASSWORD) == real[-1]  # locked: the right password is not checked


def test_a_locked_out_person_signs_in_once_the_lockout_has_passed(app: Flask, client: FlaskClient,
                                                                  people: None) -> None:
    for _ in range(app.config["LOCKOUT_ATTEMPTS"]):
        sign_in(client, "cm1", "wrong password!")
    for _ in range(3):  # someone keeps trying while it is locked: the lockout is not extended
        sign_in(client, "cm1", "wrong password!")
    get_engine().clock.advance("PT14M")  # type: ignore[attr-defined]
    assert sign_in(client, "cm1").status_code == 401
    get_engine().clock.advance("PT2M")  # type: ignore[attr-defined]
    assert sign_in(client, "cm1").status_code == 302


def test_sign_in_attempts_are_limited_per_address_whatever_the_name(app: Flask, people: None) -> None:
    app.config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    try:
        ours, theirs = app.test_client(), app.test_client()
        theirs.environ_base["REMOTE_ADDR"] = "192.0.2.7"
        answers = [sign_in(ours, name, "wrong password!").status_code for name in ("cm1", "cm2", "nobody")]
        assert answers == [401, 401, 401]
        refused = sign_in(ours, "tm1")  # the right password, but this address has had its tries
        assert refused.status_code == 429
        assert Page(refused).error_summary == [
            "There have been too many attempts to sign in from your network. Wait a minute and try again"]
        assert sign_in(theirs, "tm1").status_code == 302  # another address is not held up
    finally:
        app.config["SIGN_IN_RATE_LIMIT"] = "60 per minute"
