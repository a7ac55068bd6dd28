"""The ``client_request`` helper itself: it signs in, checks the status, parses the page, and its
accessors and page-title check find what they say they find (tests/fixtures/client_request.py)."""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder, TestResponse
from werkzeug.wrappers import Request

from tests.fixtures.client_request import ClientRequest, Page
from tests.fixtures.pages import start


def _page(body: str, path: str = "/somewhere", status: int = 200) -> TestResponse:
    request = Request(EnvironBuilder(path=path).get_environ())
    return TestResponse([f"<!DOCTYPE html><html><head><title>{body}"], status,
                        {"Content-Type": "text/html; charset=utf-8"}, request)


def _html(title: str, content: str) -> str:
    return f"{title}</title></head><body><main>{content}</main></body></html>"


SESSION_WARNING = ('<div id="session-warning" hidden><div class="govuk-notification-banner">'
                   '<div class="govuk-notification-banner__content">You will be signed out soon</div></div></div>')


def test_a_signed_in_get_parses_the_page(client_request: ClientRequest, people: None) -> None:
    start()
    page = client_request.get("/inbox", as_="cm1")
    assert client_request.signed_in_as == "cm1"
    assert page.h1 == "Tasks"
    assert page.title == "My tasks - Family journeys"
    assert page.error_summary == [] and page.banner == ""  # the hidden session warning is no banner
    [row] = page.rows("table")
    assert "Write the closure summary" in row[0] or "Write the closure summary" in " ".join(row)
    assert "F-2027-000001" in " ".join(row)
    assert page.text("h1") == page.h1


def test_it_fails_when_the_status_differs(client_request: ClientRequest, people: None) -> None:
    with pytest.raises(AssertionError, match=r"/inbox: 302, not 200"):
        client_request.get("/inbox")  # signed out: sent to the sign-in page
    assert client_request.get("/inbox", expected_status=302).response.location.startswith("/sign-in")
    with pytest.raises(AssertionError, match=r"/admin/users: 404, not 200"):
        client_request.get("/admin/users", as_="cm1")


def test_a_post_sends_the_csrf_token_and_the_page_shows_the_errors(client_request: ClientRequest,
                                                                    people: None) -> None:
    page = client_request.post("/admin/users/new", {"username": "Bad Name!", "display_name": "", "password": "short"},
                               as_="admin", expected_status=400)
    assert page.title.startswith("Error: ")
    assert len(page.error_summary) >= 3 and any("12 characters" in item for item in page.error_summary)
    saved = client_request.post("/admin/groups", {"label-admin": "Administrators"}, follow_redirects=True,
                                expected_status=200)
    assert saved.banner == "Groups saved"
    assert saved.select_one(".govuk-notification-banner__content > p.govuk-notification-banner__heading")


def test_signing_in_as_someone_else_signs_the_first_person_out(client_request: ClientRequest, people: None) -> None:
    assert client_request.get("/inbox", as_="cm1").response.status_code == 200
    client_request.get("/admin/users", as_="admin")
    assert client_request.signed_in_as == "admin"
    client_request.sign_in_as(None)
    client_request.get("/inbox", expected_status=302)


def test_the_accessors_read_named_elements() -> None:
    page = Page(_page(_html("Cases - Family journeys", SESSION_WARNING + """
        <div class="govuk-notification-banner"><div class="govuk-notification-banner__content">
          <p>Saved   cm1</p></div></div>
        <h1>Cases</h1>
        <div class="govuk-error-summary"><ul class="govuk-error-summary__list">
          <li><a href="#a">Enter a name</a></li><li><a href="#b">Enter a date</a></li></ul></div>
        <table id="t"><thead><tr><th>Ref</th><th>Stage</th></tr></thead>
          <tbody><tr><th>F-1</th><td>Triage
          </td></tr><tr><th>F-2</th><td>Closed</td></tr></tbody></table>
        <dl class="govuk-summary-list">
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Status</dt>
            <dd class="govuk-summary-list__value"><strong>Open</strong></dd>
            <dd class="govuk-summary-list__actions"><a href="#">Change</a></dd></div>
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Team</dt>
            <dd class="govuk-summary-list__value">North</dd></div></dl>""")))
    assert page.title == "Cases - Family journeys" and page.h1 == "Cases"
    assert page.banner == "Saved cm1"
    assert page.error_summary == ["Enter a name", "Enter a date"]
    assert page.error_summary_links == [("#a", "Enter a name"), ("#b", "Enter a date")]
    assert page.rows("#t") == [["F-1", "Triage"], ["F-2", "Closed"]]
    assert page.column("#t", 1) == ["Triage", "Closed"]
    assert page.text("#t th") == "Ref"
    assert page.summary_list() == {"Status": "Open", "Team": "North"}  # not the row's Change link
    with pytest.raises(AssertionError, match="nothing matches"):
        page.text("#missing")


@pytest.mark.parametrize(("title", "content", "message"), [
    ("Cases - Family journeys", "<h1>Families</h1>", "does not start with the h1"),
    ("Cases", "<h1>Cases</h1>", "does not end with"),
    ("Error: Cases - Family journeys", "<h1>Cases</h1>", "disagree"),
    ("Cases - Family journeys",
     '<ul class="govuk-error-summary__list"><li>Enter a name</li></ul><h1>Cases</h1>', "disagree"),
])
def test_the_page_title_check_fails_on_a_title_that_breaks_the_pattern(title: str, content: str,
                                                                        message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        Page(_page(_html(title, content))).check_title()


def test_the_page_title_check_passes_the_govuk_pattern() -> None:
    Page(_page(_html("Cases - Family journeys", "<h1>Cases</h1>"))).check_title()
    Page(_page(_html("Error: Cases - Family journeys",
                     '<ul class="govuk-error-summary__list"><li>Enter a name</li></ul><h1>Cases</h1>'))).check_title()
    Page(_page(_html("My tasks - Family journeys", "<h1>Tasks</h1>"), path="/inbox")).check_title()
