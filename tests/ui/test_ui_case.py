"""The case page: everything about a family for those who may read it, one 404 for everyone else."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.models import AccessLog, HumanTask, Instance, User
from tests.fixtures.client_request import Page, normalise
from tests.fixtures.lifecycle import TEAM, Journey
from tests.fixtures.pages import PASSWORD, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password
from web.ui.timefmt import london
from web.wiring import get_engine
from workflows.models import Outcome, Referral, WindowFamily
from workflows.read import case_view
from workflows.read.case_view import days_until


def _passwords(journey: Journey, *usernames: str) -> None:
    for username in usernames:
        user = db.session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None:
            groups = {"cm9": ("case_manager",)}.get(username, ())
            journey.api.user(username, *groups, teams=("other-team",) if username == "cm9" else ())
            user = db.session.scalars(select(User).where(User.username == username)).one()
        set_password(db.session(), user, PASSWORD)
    db.session.commit()


def _part_way(journey: Journey) -> tuple[str, list[dict[str, Any]]]:
    """Allocated, assessed, a plan and one review: the family waits for its next review."""
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people)
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    journey.do(ref, "assess", "cm1", {"assessed_on": "2027-03-01", "all_members_included": True,
                                      "summary": "Whole family assessed."})
    journey.do(ref, "plan", "cm1", {"agreed_on": "2027-03-01", "review_date": "2027-06-01", "targets": [
        {"indicator": 7, "person_id": people[1]["person_id"], "target": "Attendance over 90%",
         "by_date": "2027-07-20"},
        {"indicator": 22, "person_id": people[0]["person_id"], "target": "No police call-outs",
         "by_date": "2027-07-20"}]})
    journey.travel("P1M")
    journey.do(ref, "review", "cm1", {"reviewed_on": journey.today(), "next_steps": "Keep going with the school.",
                                      "ready_to_close": False, "review_date": "2027-07-01", "progress": [
                                          {"person_id": people[1]["person_id"], "indicator": 7, "status": "on_track",
                                           "evidence": "Attendance 93%"}]})
    return ref, people


def _as(client: FlaskClient, username: str) -> FlaskClient:
    """A client of its own, freshly signed in (the manual clock may have ended an earlier session)."""
    fresh = client.application.test_client()
    sign_in(fresh, username)
    return fresh


def _log(ref: str) -> list[tuple[str | None, int, bool]]:
    # Reads of the family itself: the journey's own task lookups (GET /api/v1/tasks?family_ref=) log a
    # family entry too, and are not what these tests are about.
    rows = db.session.scalars(select(AccessLog).where(AccessLog.resource_type == "family", AccessLog.resource_id == ref,
                                                      AccessLog.route != "/api/v1/tasks").order_by(AccessLog.id))
    return [(r.username, r.status_code, r.admin_read) for r in rows]


# The case page's tables, each the first after its section's heading.
HOUSEHOLD, PLAN, OUTCOMES = ("#household ~ .app-table-wrap table", "#plan ~ .app-table-wrap table",
                             "#outcomes ~ .app-table-wrap table")
TIMELINE_TITLES = ".moj-timeline__title"


def _diagrams(page: Page) -> dict[str, Any]:
    found = page.select_one('script#case-diagrams[type="application/json"]').string
    assert found, "no diagram data on the page"
    return json.loads(found)


def _indicators(page: Page) -> dict[str, list[str]]:
    """The identified indicators section: each headline issue (its h3) to the items listed under it."""
    issues: dict[str, list[str]] = {}
    headline = ""
    for element in page.select_one("#indicators").find_next_siblings():
        if element.name == "h2":
            break
        if element.name == "h3":
            headline = normalise(element.get_text(" "))
        elif element.name == "ul":
            issues[headline] = [normalise(li.get_text(" ")) for li in element.select("li")]
    return issues


def _now_lists(page: Page) -> list[list[str]]:
    """Each diagram's text list of its current steps (the "Now" column beside "Done")."""
    lists = []
    for steps in page.select(".app-steps"):
        now = steps.select(".govuk-grid-column-one-half")[0]
        assert normalise(now.select_one("p").get_text(" ")) == "Now"  # type: ignore[union-attr]
        lists.append([normalise(li.get_text(" ")) for li in now.select("ul li")])
    return lists


def test_the_allocated_case_manager_sees_the_whole_case(client: FlaskClient, journey: Journey) -> None:
    ref, _ = _part_way(journey)
    _passwords(journey, "cm1")
    db.session.scalars(select(User).where(User.username == "cm1")).one().display_name = "Casey Manager"
    db.session.commit()
    response = _as(client, "cm1").get(f"/families/{ref}")
    page = Page(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    summary = page.summary_list()
    assert (summary["Team"], summary["Case manager"]) == ("Newark Early Help Case Management", "Casey Manager")
    assert page.h1 == f"Family {ref}" and page.text(".govuk-caption-l") == "Newark and Sherwood"
    names = page.column(HOUSEHOLD, 0)
    assert "Sam Smith" in names and "Alex Smith" in names and "1 June 1985" in page.column(HOUSEHOLD, 1)
    # Indicators under their headline issues.
    issues = _indicators(page)
    assert issues["Education"][0].startswith("7. Child persistently absent from school (Alex Smith)")
    assert any("(Sam Smith)" in item for item in issues["Domestic violence and abuse"])
    # The plan's target with the latest review's progress, and the review itself.
    target, safety = page.rows(PLAN)
    assert safety[0].startswith("No police call-outs")
    assert target[0].startswith("Attendance over 90%") and target[1] == "20 July 2027"
    assert page.text(f"{PLAN} .govuk-tag") == "On track" and "Attendance 93% (review of 1 April 2027)" in target[2]
    assert "Keep going with the school." in page.text("#plan ~ h3 + ul")  # the reviews
    # The open review, linked to its task page.
    task = db.session.scalars(select(HumanTask).where(HumanTask.bpmn_id == "review",
                                                      HumanTask.state == "open")).one()
    assert page.text(f'#tasks + ul a[href="/tasks/{task.id}"]') == "Review the action plan"
    # The timeline, newest first, people by name.
    titles = page.texts(TIMELINE_TITLES)
    assert titles[0] == "Review the action plan: waiting for Casey Manager"
    assert "Triage the referral: done" in titles and titles.index("Review the action plan: done") < titles.index(
        "Agree the Family Action Plan: done")
    # The diagram of case management, with the review current and the plan completed.
    data = _diagrams(page)
    chosen = data["diagrams"][data["selected"]]
    assert chosen["title"] == "Early Help Case Management" or "case_management" in chosen["url"]
    assert "review" in chosen["current"] and "plan" in chosen["completed"] and "plan" not in chosen["current"]
    assert "/families/" + ref + "/diagram/" in chosen["url"]
    # The text list that stands in for the diagram without JavaScript.
    assert any(now[:1] == ["Review the action plan"] for now in _now_lists(page))
    assert page.select_one("figure.app-case-diagram[data-case-diagram]").has_attr("hidden")  # shown by its script
    assert _log(ref) == [("cm1", 200, False)]


def test_the_team_manager_the_tf_team_and_an_admin_may_read_it_and_the_admin_read_is_flagged(
        client: FlaskClient, journey: Journey) -> None:
    ref, _ = _part_way(journey)
    _passwords(journey, "tm1", "tf1", "admin")
    for username in ("tm1", "tf1", "admin"):
        response = _as(client, username).get(f"/families/{ref}")
        assert response.status_code == 200, username
        assert any(target.startswith("Attendance over 90%") for target in Page(response).column(PLAN, 0))
    assert _log(ref) == [("tm1", 200, False), ("tf1", 200, False), ("admin", 200, True)]


def _normalised(html: str, ref: str) -> str:
    html = html.replace(ref, "REF")
    html = re.sub(r'name="csrf_token" value="[^"]+"', "CSRF", html)
    return re.sub(r'nonce="[^"]+"', "NONCE", html)


def test_outsiders_get_the_same_404_as_an_unknown_reference_and_every_attempt_is_logged(
        client: FlaskClient, journey: Journey) -> None:
    ref, _ = _part_way(journey)
    _passwords(journey, "cm9", "cm2", "partner", "owner")
    unknown = "F-2027-999999"
    for username in ("cm9", "cm2", "partner", "owner"):
        outsider = _as(client, username)
        refused = outsider.get(f"/families/{ref}")
        missing = outsider.get(f"/families/{unknown}")
        assert refused.status_code == missing.status_code == 404, username
        assert _normalised(refused.get_data(as_text=True), ref) == _normalised(missing.get_data(as_text=True),
                                                                                unknown), username
        assert "Sam Smith" not in refused.get_data(as_text=True)  # anywhere on the page
        assert Page(refused).h1 == "Page not found"
    assert _log(ref) == [("cm9", 404, False), ("cm2", 404, False), ("partner", 404, False), ("owner", 404, False)]
    assert [(u, s) for u, s, _ in _log(unknown)] == [("cm9", 404), ("cm2", 404), ("partner", 404), ("owner", 404)]


def test_signed_out_people_are_sent_to_sign_in_and_the_attempt_is_logged(client: FlaskClient,
                                                                       journey: Journey) -> None:
    ref, _ = _part_way(journey)
    response = client.get(f"/families/{ref}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")
    assert _log(ref) == [(None, 302, False)]


def test_the_countdown_follows_the_project_clock(client: FlaskClient, journey: Journey) -> None:
    referral = journey.refer()
    ref = journey.close_approved(referral)
    _passwords(journey, "cm1")
    outcome = db.session.scalars(select(Outcome).where(Outcome.indicator == 22)).one()
    assert outcome.sustained_at is not None
    before = days_until(outcome.sustained_at, get_engine().clock.now())
    page = Page(_as(client, "cm1").get(f"/families/{ref}"))
    assert f"{before} days to go" in page.texts(f'{OUTCOMES} strong.app-countdown[data-days="{before}"]')
    assert london(outcome.sustained_at, with_time=False) == "1 October 2027"  # 23:00 UTC is midnight in London
    assert "1 October 2027" in page.texts(f"{OUTCOMES} td .app-nowrap")  # the Sustained by column
    journey.clock(advance="P10D")
    db.session.rollback()
    page = Page(_as(client, "cm1").get(f"/families/{ref}"))
    assert f"{before - 10} days to go" in page.texts(f'{OUTCOMES} strong.app-countdown[data-days="{before - 10}"]')


def test_the_timeline_shows_only_this_familys_events_from_a_shared_claim_window(
        client: FlaskClient, journey: Journey) -> None:
    first = journey.close_approved(journey.refer())
    second = journey.close_approved(journey.refer(household=[
        {"given_name": "Jo", "family_name": "Brown", "date_of_birth": "1980-01-01", "relationship": "Father",
         "role": "adult"},
        {"given_name": "Kim", "family_name": "Brown", "date_of_birth": "2011-01-01", "relationship": "Daughter",
         "role": "child"}]))
    journey.travel("P17M")
    journey.claim_window("Claim window December 2028", "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00")
    journey.travel("P3M")
    journey.audit(first, 1)
    assert db.session.scalars(select(WindowFamily)).all().__len__() == 2  # both families share the window
    _passwords(journey, "tf1")
    page = Page(_as(client, "tf1").get(f"/families/{first}"))
    titles = page.texts(TIMELINE_TITLES)
    assert "Claim window December 2028" in page.texts("h3")  # the name as given, not "Claim window Claim window"
    assert titles.count("Stage 1 audit: done") == 1
    assert titles.count("Stage 1 audit: waiting for tf team") == 1  # the other family's is left out
    assert second not in page.html and "Jo Brown" not in page.html and "Kim Brown" not in page.html  # anywhere
    audit = [d for d in _diagrams(page)["diagrams"] if d["url"].endswith("/family_audit.bpmn")]
    assert len(audit) == 1 and "audit_stage_1" in audit[0]["completed"]
    assert "audit_stage_1" not in audit[0]["current"]  # the other family's Stage 1 is still open


def test_the_diagram_route_serves_only_this_familys_processes_to_those_who_may_read_it(
        client: FlaskClient, journey: Journey) -> None:
    ref, _ = _part_way(journey)
    other = journey.refer(household=[{"given_name": "Jo", "family_name": "Brown", "date_of_birth": "1980-01-01",
                                      "relationship": "Father", "role": "adult"}])["family_ref"]
    _passwords(journey, "cm1", "cm9", "admin")
    mine = db.session.scalars(select(Referral.instance_id).join(Instance, Instance.id == Referral.instance_id)
                              .order_by(Referral.id)).all()
    url = f"/families/{ref}/diagram/{mine[0]}/case_management.bpmn"
    case_manager = _as(client, "cm1")
    response = case_manager.get(url)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert '<bpmn:process id="case_management"' in response.get_data(as_text=True)  # XML, not a page
    assert case_manager.get(f"/families/{ref}/diagram/{mine[0]}/claim_window.bpmn").status_code == 404  # not in it
    assert _as(client, "cm9").get(url).status_code == 404
    # Even an admin gets only this family's instances under its reference.
    assert _as(client, "admin").get(f"/families/{ref}/diagram/{mine[1]}/family_referral.bpmn").status_code == 404
    assert _as(client, "admin").get(f"/families/{other}/diagram/{mine[1]}/family_referral.bpmn").status_code == 200
    assert _log(ref) == [("cm1", 200, False), ("cm1", 404, False), ("cm9", 404, False), ("admin", 404, True)]


def test_the_timeline_is_bounded_and_newest_first(client: FlaskClient, journey: Journey,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ref, _ = _part_way(journey)
    _passwords(journey, "cm1")
    monkeypatch.setattr(case_view, "TIMELINE_LIMIT", 3)
    page = Page(_as(client, "cm1").get(f"/families/{ref}"))
    titles = page.texts(TIMELINE_TITLES)
    # The second review, the first one done (by cm1), the first one opened: the three newest events.
    assert titles == ["Review the action plan: waiting for cm1", "Review the action plan: done",
                      "Review the action plan: waiting for cm1"]
    assert page.text("#timeline + p") == "The latest 3 events, newest first."


def test_a_task_page_links_to_the_case_only_for_those_who_may_read_it(client: FlaskClient,
                                                                      journey: Journey) -> None:
    ref, _ = _part_way(journey)
    _passwords(journey, "cm1", "tm1")
    review = journey.task(ref, "review", "cm1")
    page = Page(_as(client, "cm1").get(f"/tasks/{review['id']}"))
    assert page.text(f'a[href="/families/{ref}"]') == "View the family's case"
    manager = _as(client, "tm1")  # the team's manager may read this family
    assert Page(manager.get(f"/tasks/{review['id']}")).select(f'a[href="/families/{ref}"]') != []
    _passwords(journey, "ehu1")  # triaged the family, and may no longer read it
    triage = journey.ok(journey.api.get(f"/api/v1/tasks?family_ref={ref}&bpmn_id=triage_referral&state=completed",
                                        as_="ehu1"))["items"][0]
    response = _as(client, "ehu1").get(f"/tasks/{triage['id']}")
    assert response.status_code == 200, "the worker who triaged it still sees their own task"
    assert "View the family" not in response.get_data(as_text=True)  # but not read the family: no link to a 404
    assert Page(response).select(f'a[href="/families/{ref}"]') == []


def test_the_early_help_unit_keeps_reading_the_families_it_signposted_and_no_others(client: FlaskClient,
                                                                                    journey: Journey) -> None:
    signposted = journey.refer()
    ref, people = signposted["family_ref"], signposted["people"]
    journey.triage(ref, people, route="signpost_internal", signposted_to="Family Hub")
    journey.do(ref, "gather_signposting_evidence", "ehu1", {
        "contacted_on": journey.today(), "outcome_evidence": "The hub's letter.", "outcomes_met": [
            {"person_id": people[1]["person_id"], "indicator": 7, "achieved": True, "evidence": "Attendance 95%"}]})
    managed = journey.refer()
    journey.triage(managed["family_ref"], managed["people"])
    _passwords(journey, "ehu1")
    unit = _as(client, "ehu1")
    page = unit.get(f"/families/{ref}")  # closed after its outcomes were gathered: the unit led it
    assert page.status_code == 200 and Page(page).h1 == f"Family {ref}"
    assert unit.get(f"/families/{managed['family_ref']}").status_code == 404  # the case managers lead it


def test_the_case_page_shows_the_process_versions_the_family_runs(client: FlaskClient, journey: Journey) -> None:
    ref, _ = _part_way(journey)
    _passwords(journey, "cm1")
    response = _as(client, "cm1").get(f"/families/{ref}")
    assert response.status_code == 200
    line = Page(response).text("[data-process-versions]")
    assert line.startswith("Process versions: ")
    assert "family_referral version 1" in line and "case_management version 1" in line
