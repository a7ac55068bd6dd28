"""Sign-in with local accounts: landing pages, lockout, CSRF, cookies, time-out, the password CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from flask import Flask
from flask.testing import FlaskClient

from engine.models import User
from tests.fixtures.client_request import Page
from tests.fixtures.pages import PASSWORD, csrf, sign_in
from web.extensions import db
from web.wiring import get_engine

WRONG = "Enter a correct username and password. After 5 wrong passwords an account is locked for 15 minutes"


def test_the_start_page_is_the_sign_in_page(client: FlaskClient, people: None) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    page = Page(client.get("/sign-in"))
    page.check_title()
    assert page.h1 == "Sign in" and "govuk-heading-l" in page.select_one("h1")["class"]
    assert any(link["href"].endswith("govuk-frontend.min.css") for link in page.select('link[rel="stylesheet"]'))


def test_each_group_lands_on_a_useful_page(app: Flask, people: None) -> None:
    for username, landing in (("cm1", "/inbox"), ("tm1", "/inbox"), ("admin", "/admin/users"),
                              ("owner", "/admin/definitions")):
        client = app.test_client()
        assert sign_in(client, username).status_code == 302, username
        home = client.get("/")
        assert home.headers["Location"].endswith(landing), username
        assert client.get(landing).status_code == 200


def test_a_wrong_password_says_so_without_saying_which(client: FlaskClient, people: None) -> None:
    wrong = sign_in(client, "cm1", "wrong password!")
    assert wrong.status_code == 401
    assert Page(wrong).error_summary == [WRONG]
    unknown = sign_in(client, "nobody", "wrong password!")
    assert unknown.status_code == 401
    assert Page(unknown).error_summary == [WRONG]


def test_repeated_failures_lock_the_account_even_for_the_right_password(client: FlaskClient, people: None,
                                                                       app: Flask) -> None:
    for _ in range(app.config["LOCKOUT_ATTEMPTS"]):
        sign_in(client, "cm1", "wrong password!")
    locked = sign_in(client, "cm1")
    assert locked.status_code == 401
    assert Page(locked).error_summary == [WRONG]  # the same answer as for any wrong password or name
    get_engine().clock.advance("PT16M")  # type: ignore[attr-defined]
    assert sign_in(client, "cm1").status_code == 302


def test_posting_without_the_csrf_token_is_refused(client: FlaskClient, people: None) -> None:
    client.get("/sign-in")
    response = client.post("/sign-in", data={"username": "cm1", "password": PASSWORD})
    assert response.status_code == 400
    assert "govuk-heading-l" in Page(response).select_one("h1")["class"]  # an HTML page, not JSON


def test_the_session_cookie_is_http_only_and_same_site_lax(client: FlaskClient, people: None) -> None:
    response = sign_in(client, "cm1")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_an_idle_session_ends_and_the_page_asks_to_sign_in_again(client: FlaskClient, people: None) -> None:
    sign_in(client, "cm1")
    assert client.get("/inbox").status_code == 200
    get_engine().clock.advance("PT31M")  # type: ignore[attr-defined]
    response = client.get("/inbox")
    assert response.status_code == 302
    assert "/sign-in?next=%2Finbox&timeout=1" in response.headers["Location"]


def test_next_never_leaves_the_site(client: FlaskClient, people: None) -> None:
    response = sign_in(client, "cm1", next_path="//evil.example/")
    assert response.headers["Location"] == "/"


def test_sign_out_ends_the_session(client: FlaskClient, people: None) -> None:
    sign_in(client, "cm1")
    page = client.get("/inbox").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": csrf(page)})
    assert client.get("/inbox").status_code == 302


def test_the_password_command_sets_an_argon2_hash(app: Flask, people: None) -> None:
    result = app.test_cli_runner().invoke(args=["users", "password", "cm2", "--password", "a new long password"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(username="cm2").one()
    db.session.refresh(user)
    assert user.password_hash and user.password_hash.startswith("$argon2id$")
    assert sign_in(app.test_client(), "cm2", "a new long password").status_code == 302
    short = app.test_cli_runner().invoke(args=["users", "password", "cm2", "--password", "short"])
    assert short.exit_code != 0 and "12 characters" in short.output


def test_stay_signed_in_renews_the_session(client: FlaskClient, people: None) -> None:
    sign_in(client, "cm1")
    inbox = client.get("/inbox")
    page = inbox.get_data(as_text=True)
    assert Page(inbox).select_one("#session-warning").has_attr("hidden")
    get_engine().clock.advance("PT20M")  # type: ignore[attr-defined]
    assert client.get("/session").json["expires_at"]  # type: ignore[index]
    client.post("/session/keep-alive", data={"csrf_token": csrf(page), "next": "/inbox"})
    get_engine().clock.advance("PT20M")  # type: ignore[attr-defined]
    assert client.get("/inbox").status_code == 200  # 40 minutes in, but never 30 idle


def test_sign_out_takes_back_every_copy_of_the_session(app: Flask, client: FlaskClient, people: None) -> None:
    sign_in(client, "cm1")
    copy = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    copy.set_cookie("session", cookie.value)
    assert copy.get("/inbox").status_code == 200
    page = client.get("/inbox").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": csrf(page)})
    assert copy.get("/inbox").status_code == 302  # the copied cookie is no longer a session


def test_a_session_lasts_at_most_its_lifetime_however_busy(client: FlaskClient, people: None) -> None:
    sign_in(client, "cm1")
    minutes = 0
    response = client.get("/inbox")
    while response.status_code == 200 and minutes < 24 * 60:  # active every 29 minutes
        get_engine().clock.advance("PT29M")  # type: ignore[attr-defined]
        minutes += 29
        response = client.get("/inbox")
    assert 12 * 60 < minutes <= 12 * 60 + 29  # never idle, and over once 12 hours have passed
    assert response.status_code == 302 and "timeout=1" in response.headers["Location"]


def test_the_cookie_outlives_the_session_so_a_late_post_keeps_its_answers(client: FlaskClient, app: Flask,
                                                                          people: None) -> None:
    response = sign_in(client, "cm1")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    cap = timedelta(hours=app.config["SESSION_MAX_HOURS"])
    assert expires - datetime.now(UTC) > cap + timedelta(hours=1)
