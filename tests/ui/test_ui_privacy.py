"""The administrators' privacy pages: a family's access log, finding a family, subject access exports."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.models import AccessLog, User
from tests.fixtures.client_request import Page
from tests.fixtures.lifecycle import REFERRAL, Journey
from tests.fixtures.pages import PASSWORD, csrf, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password

HOUSEHOLD = [*REFERRAL["household"],
             {"given_name": "Morgan", "family_name": "Smith", "date_of_birth": "2015-02-03", "relationship": "Daughter",
              "role": "child"}]


def passwords(*usernames: str) -> None:
    for name in usernames:
        user = db.session.scalar(select(User).where(User.username == name))
        assert user is not None
        set_password(db.session, user, PASSWORD)
    db.session.commit()


@pytest.fixture
def family(journey: Journey) -> dict[str, Any]:
    referral = journey.refer(household=HOUSEHOLD)
    journey.triage(referral["family_ref"], referral["people"])
    passwords("admin", "cm1", "cm2", "tf1", "owner", "partner", "ehu1")
    return referral


def as_(client: FlaskClient, username: str) -> FlaskClient:
    """A browser of its own, signed in as ``username``."""
    fresh = client.application.test_client()
    assert sign_in(fresh, username).status_code == 302
    return fresh


def search(client: FlaskClient, **answers: str) -> Any:
    """A subject access search, posted from the search page as the browser does."""
    page = client.get("/admin/subject-access")
    token = csrf(page.get_data(as_text=True)) if page.status_code == 200 else csrf(client.get("/inbox").get_data(
        as_text=True))
    return client.post("/admin/subject-access", data={"csrf_token": token, **answers})


def same(html: str) -> str:
    """A page without what differs on every response: the CSP nonce and the CSRF token."""
    return re.sub(r'(nonce|value)="[^"]*"', r'\1=""', html)


# The access log's table: When, Who, What, Answer, Administrator read.
LOG = "#access-log"


def test_an_outsiders_refused_attempts_and_the_admins_own_read_are_in_the_access_log(
        journey: Journey, family: dict[str, Any], client: FlaskClient) -> None:
    ref = family["family_ref"]
    assert journey.api.get(f"/api/v1/families/{ref}", as_="cm2").status_code == 404
    task = journey.task(ref, "allocate", "tm1")
    assert as_(client, "cm2").get(f"/tasks/{task['id']}").status_code == 404
    client = as_(client, "admin")
    response = client.get(f"/admin/families/{ref}/access-log")
    assert response.status_code == 200
    page = Page(response)
    found = page.rows(LOG)
    assert found[0][1:] == ["cm2", f"GET /tasks/<task_id> task {task['id']}", "Refused (404)", "No"], found[0]
    assert found[1][1:] == ["tm1", f"GET /api/v1/tasks family {ref}", "Shown (200)", "No"]  # a list showing it
    assert found[2][2].startswith("GET /api/v1/families/<ref>") and found[2][3] == "Refused (404)"
    assert any(r[1] == "ehu1" and r[3] == "Shown (200)" for r in found)  # the Early Help Unit's triage
    assert "Older" not in page.html  # anywhere: no link to older entries
    entry = db.session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
    assert entry is not None
    assert (entry.username, entry.route, entry.resource_type, entry.resource_id, entry.status_code,
            entry.admin_read) == ("admin", "/admin/families/<ref>/access-log", "family", ref, 200, True)
    again = Page(client.get(f"/admin/families/{ref}/access-log")).rows(LOG)
    assert again[0][1] == "admin" and again[0][4] == "Yes"


def test_the_access_log_pages_by_fifty_newest_first(journey: Journey, family: dict[str, Any],
                                                    client: FlaskClient) -> None:
    ref = family["family_ref"]
    db.session.query(AccessLog).delete()
    for n in range(60):
        db.session.add(AccessLog(at=datetime(2027, 3, 1, 9, n, tzinfo=UTC), username="cm2", method="GET",
                                 route=f"/n{n:02d}", resource_type="family", resource_id=ref, status_code=404))
    db.session.commit()
    client = as_(client, "admin")
    first = Page(client.get(f"/admin/families/{ref}/access-log"))
    assert [what.split()[:2] for what in first.column(LOG, 2)] == [["GET", f"/n{n:02d}"] for n in range(59, 9, -1)]
    assert first.column(LOG, 0)[0] == "1 March 2027, 9:59am"  # GMT in March: London time is UTC
    older = str(first.select_one(".govuk-pagination__next a")["href"])
    assert re.search(r"before=\d+$", older), "no link to older entries"
    second = Page(client.get(older))
    assert [what.split()[:2] for what in second.column(LOG, 2)] == [["GET", f"/n{n:02d}"] for n in range(9, -1, -1)]
    assert "Latest entries" in second.text(".govuk-pagination__prev")
    assert second.select('a[href*="before="]') == []  # no link to still older entries


@pytest.mark.parametrize("who", ["cm1", "tf1", "owner", "ehu1", "partner"])
def test_everyone_but_admins_gets_the_not_found_page(family: dict[str, Any], client: FlaskClient, who: str) -> None:
    ref = family["family_ref"]
    client = as_(client, who)
    unknown = client.get("/admin/families/F-2099-999999/access-log")
    for url in (f"/admin/families/{ref}/access-log", "/admin/families", f"/admin/families?ref={ref}",
                "/admin/subject-access"):
        page = client.get(url)
        assert page.status_code == 404, url
        assert same(page.get_data(as_text=True)) == same(unknown.get_data(as_text=True))
    searched = search(client, by="family", family_ref=ref)
    assert searched.status_code == 404
    assert same(searched.get_data(as_text=True)) == same(unknown.get_data(as_text=True))
    posted = client.post("/admin/subject-access/export", data={
        "csrf_token": csrf(client.get("/inbox").get_data(as_text=True)), "person_id": family["people"][0]["person_id"]})
    assert posted.status_code == 404 and "attachment" not in posted.headers.get("Content-Disposition", "")
    tried = db.session.scalars(select(AccessLog).where(AccessLog.username == who, AccessLog.resource_type == "person"))
    assert [(e.route, e.resource_id, e.status_code) for e in tried] == [
        ("/admin/subject-access/export", family["people"][0]["person_id"], 404)]
    logged = db.session.scalars(select(AccessLog).where(AccessLog.username == who,
                                                        AccessLog.route == "/admin/families/<ref>/access-log"))
    assert [(e.resource_id, e.status_code, e.admin_read) for e in logged] == [
        ("F-2099-999999", 404, False), (ref, 404, False)]


def test_an_admin_gets_the_same_not_found_page_for_an_unknown_family(family: dict[str, Any],
                                                                     client: FlaskClient) -> None:
    page = as_(client, "admin").get("/admin/families/F-2099-999999/access-log")
    assert page.status_code == 404 and Page(page).h1 == "Page not found"


def test_finding_a_family_by_reference(family: dict[str, Any], client: FlaskClient) -> None:
    client = as_(client, "admin")
    found = client.get(f"/admin/families?ref={family['family_ref'].lower()}")
    assert found.status_code == 302 and found.location == f"/admin/families/{family['family_ref']}/access-log"
    for asked, message in (("", "Enter a family reference"),
                           ("F-2099-999999", "No family found with reference F-2099-999999")):
        response = client.get(f"/admin/families?ref={asked}")
        page = Page(response)
        assert response.status_code == 400 and page.title == "Error: Find a family - Family journeys"
        assert page.error_summary_links == [("#ref", message)] and page.text("#ref-error") == f"Error: {message}"


def test_an_admin_exports_one_person_without_their_household(family: dict[str, Any], client: FlaskClient) -> None:
    sam, alex, morgan = family["people"]
    client = as_(client, "admin")
    found = search(client, by="family", family_ref=family["family_ref"])
    html = found.get_data(as_text=True)
    people = Page(found).texts(".govuk-checkboxes__label")
    assert found.status_code == 200 and "Alex Smith, born 1 September 2012" in people
    assert any(person.startswith("Morgan Smith, born") for person in people)
    before = db.session.query(AccessLog).count()
    response = client.post("/admin/subject-access/export", data={"csrf_token": csrf(html),
                                                                 "person_id": alex["person_id"]})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="subject-access-{alex["person_id"]}-')
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    export = json.loads(body)
    assert export["about"]["person"]["given_name"] == "Alex"
    assert export["referrals"][0]["note"] == "2 other household members omitted"
    assert [i["indicator"] for i in export["indicators"]] == [7]
    for other in ("Sam", "1985-06-01", "Morgan", "2015-02-03", sam["person_id"], morgan["person_id"]):
        assert other not in body, other
    # the search was logged before: the export is the one entry after
    [entry] = db.session.scalars(select(AccessLog).order_by(AccessLog.id).offset(before))
    assert (entry.username, entry.method, entry.resource_type, entry.resource_id, entry.status_code,
            entry.admin_read) == ("admin", "POST", "person", alex["person_id"], 200, True)
    log = Page(client.get(f"/admin/families/{family['family_ref']}/access-log"))
    assert log.rows(LOG)[0][2].endswith(f"person {alex['person_id']}")


def test_an_unknown_person_gets_the_error_message_and_nothing_is_exported(family: dict[str, Any],
                                                                         client: FlaskClient) -> None:
    client = as_(client, "admin")
    page = client.get("/admin/subject-access")
    before = db.session.query(AccessLog).count()
    response = client.post("/admin/subject-access/export", data={"csrf_token": csrf(page.get_data(as_text=True)),
                                                                 "person_id": "P-9999999"})
    refused = Page(response)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    assert refused.error_summary_links == [("#person_id", "No person found with ID P-9999999")]
    assert refused.title == "Error: Subject access request - Family journeys"
    # Nothing exported; the attempt is logged with its answer, as every request for a person is.
    [entry] = db.session.scalars(select(AccessLog).order_by(AccessLog.id).offset(before))
    assert (entry.resource_type, entry.resource_id, entry.status_code, entry.admin_read) == (
        "person", "P-9999999", 400, True)


@pytest.mark.parametrize(("query", "message", "anchor"), [
    ({"family_name": "Smith"}, "Enter a date of birth", "dob-day"),
    ({"family_name": "Smith", "dob-day": "31", "dob-month": "2", "dob-year": "2012"},
     "Date of birth must be a real date", "dob-day"),
    ({"dob-day": "1", "dob-month": "9", "dob-year": "2012"}, "Enter the family name", "family_name"),
    ({"family_name": "Smith", "dob-day": "2", "dob-month": "9", "dob-year": "2012"},
     "No one found with that name and date of birth", "family_name"),
])
def test_a_name_search_with_bad_answers_says_what_is_wrong(family: dict[str, Any], client: FlaskClient,
                                                           query: dict[str, str], message: str, anchor: str) -> None:
    response = search(as_(client, "admin"), by="name", **query)
    page = Page(response)
    assert response.status_code == 400 and page.error_summary_links == [(f"#{anchor}", message)]
    assert "Download subject access file" not in page.html  # anywhere: no export form


def test_a_name_search_finds_the_person_across_families(journey: Journey, family: dict[str, Any],
                                                        client: FlaskClient) -> None:
    again = journey.refer(household=HOUSEHOLD[1:2])
    page = Page(search(as_(client, "admin"), by="name", given_name="alex", family_name="SMITH", **{
        "dob-day": "1", "dob-month": "9", "dob-year": "2012"}))  # any letter case finds "Alex Smith"
    families = [hint.split(" in family ")[1].split(" (")[0] for hint in page.texts(".govuk-checkboxes__hint")
                if " in family " in hint]
    assert sorted(families) == sorted([family["family_ref"], again["family_ref"]])
    assert "Sam Smith" not in page.html  # anywhere
    entry = db.session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
    assert entry is not None  # who searched for what, in the access log
    assert (entry.username, entry.method, entry.route, entry.resource_type, entry.resource_id, entry.admin_read) == (
        "admin", "POST", "/admin/subject-access", "person_search", "alex SMITH, born 2012-9-1", True)


def test_a_search_is_posted_so_no_name_reaches_a_url_or_the_server_log(family: dict[str, Any], client: FlaskClient,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    admin = as_(client, "admin")
    forms = Page(admin.get("/admin/subject-access")).select("form")
    assert {form["method"] for form in forms} == {"post"}
    asked = admin.get("/admin/subject-access?by=name&family_name=Smith&dob-day=1&dob-month=9&dob-year=2012")
    assert asked.status_code == 200 and "Alex Smith" not in asked.get_data(as_text=True)  # a GET never searches
    with caplog.at_level("DEBUG"):
        found = search(admin, by="name", family_name="Smith", **{"dob-day": "1", "dob-month": "9", "dob-year": "2012"})
    assert found.status_code == 200 and "Alex Smith" in found.get_data(as_text=True)
    assert "Smith" not in caplog.text and "2012" not in caplog.text


def test_a_merged_provisional_family_sends_the_admin_to_the_name_search(journey: Journey,
                                                                      family: dict[str, Any],
                                                                      client: FlaskClient) -> None:
    again = journey.refer(household=HOUSEHOLD[1:2])
    journey.triage(again["family_ref"], [again["people"][0]] * 2, match=family["family_ref"])
    page = search(as_(client, "admin"), by="family", family_ref=again["family_ref"])
    message = f"No one is recorded in family {again['family_ref']} now: search by name and date of birth"
    assert page.status_code == 400 and Page(page).error_summary_links == [("#family_ref", message)]
