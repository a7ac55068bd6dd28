"""One Blueprint per area of the pages (web/ui/<area>/): each is registered, its pages answer as
before, and errors are written by the renderer of the blueprint they happen in: a page on a page, a
JSON body in the API (statuses from web/errors.py)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.pages import make_user, sign_in

AREAS = ("assets", "auth", "tasks", "referral", "case", "tf", "dashboard", "admin", "privacy")

# A representative page per area, who opens it and the status it answered with before the split.
PAGES = [
    ("assets", "/assets/app/app.js", None, 200),
    ("auth", "/sign-in", None, 200),
    ("auth", "/", "cm1", 302),
    ("tasks", "/inbox", "cm1", 200),
    ("referral", "/refer", "ehu1", 200),
    ("case", "/families/F-2027-000001", None, 302),  # signed out: sent to sign in
    ("tf", "/tf/claim-windows", "admin", 200),
    ("dashboard", "/dashboard", "admin", 200),
    ("admin", "/admin/users", "admin", 200),
    ("privacy", "/admin/families", "admin", 200),
]


def test_every_area_has_its_blueprint_registered(app: Flask) -> None:
    assert set(AREAS) <= set(app.blueprints)
    assert "ui" not in app.blueprints
    areas_serving = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()}
    assert set(AREAS) <= areas_serving


@pytest.mark.parametrize(("area", "url", "username", "status"), PAGES, ids=[p[1] for p in PAGES])
def test_a_page_of_each_area_answers_as_before(client: FlaskClient, people: None, area: str, url: str,
                                              username: str | None, status: int) -> None:
    make_user("ehu1", "early_help_unit")
    if username:
        sign_in(client, username)
    response = client.get(url)
    assert response.status_code == status
    assert client.application.url_map.bind("localhost").match(url)[0].startswith(f"{area}.")


def test_a_page_error_is_a_page_and_an_api_error_json(client: FlaskClient, people: None) -> None:
    sign_in(client, "cm1")
    page = client.get("/families/F-0000-000000")  # a blueprint's error
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Page not found" in page.get_data(as_text=True)
    api = client.get("/api/v1/families/F-0000-000000", headers={"Authorization": "Bearer nothing"})
    assert api.status_code == 401 and api.is_json and api.get_json()["error"]["code"] == "unauthorized"


def test_an_unrouted_url_answers_by_its_prefix(client: FlaskClient) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"
    wrong_method = client.delete("/api/v1/definitions")
    assert wrong_method.status_code == 405 and wrong_method.get_json()["error"]["code"] == "method_not_allowed"
    wrong_page_method = client.delete("/sign-in")
    assert wrong_page_method.status_code == 405 and wrong_page_method.mimetype == "text/html"
