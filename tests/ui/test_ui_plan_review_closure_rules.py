"""The plan, review and closure pages enforce their rules through the real app: the
message is on the field, the answers are kept, and nothing is written (the task stays open, the family as
it was). The task forms are posted as a case manager's browser posts them."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.models import HumanTask, User
from tests.fixtures.client_request import Page, normalise
from tests.fixtures.lifecycle import TEAM, Journey
from tests.fixtures.pages import PASSWORD, csrf, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password
from workflows.models import Outcome

# The fixture household: Sam Smith (adult) and Alex Smith (child); triage finds 22 (Sam) and 7 (Alex).
LATER = "Enter why the review is after 1 July 2027, or choose an earlier date: the team reviews every 3 months"


def _signed_in(client: FlaskClient, username: str) -> FlaskClient:
    user = db.session.scalars(select(User).where(User.username == username)).one()
    set_password(db.session(), user, PASSWORD)
    db.session.commit()
    fresh = client.application.test_client()
    sign_in(fresh, username)
    return fresh


def _assessed(journey: Journey) -> tuple[str, list[dict[str, Any]]]:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people)
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    journey.do(ref, "assess", "cm1", {"assessed_on": "2027-03-01", "all_members_included": True,
                                      "summary": "Whole family assessed."})
    return ref, people


def _day(name: str, iso: str) -> dict[str, str]:
    year, month, day = iso.split("-")
    return {f"{name}-day": str(int(day)), f"{name}-month": str(int(month)), f"{name}-year": year}


def _post(client: FlaskClient, task_id: str, answers: dict[str, str]) -> Any:
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    return client.post(f"/tasks/{task_id}", data={"csrf_token": csrf(page), "action": "continue", **answers})


def _state(journey: Journey, ref: str, task_id: str) -> tuple[Any, ...]:
    """What a refused form must leave alone: the task open, the family and its outcomes as they were."""
    task = db.session.get(HumanTask, task_id, populate_existing=True)
    family = journey.family(ref)
    outcomes = db.session.scalar(select(func.count()).select_from(Outcome))
    db.session.rollback()
    return task.state if task else None, family, outcomes


def _field_error(page: Page, field_id: str) -> str:
    """The message drawn on the field itself (GOV.UK prefixes a hidden "Error:")."""
    return normalise(page.select_one(f"#{field_id}-error, #{field_id} .govuk-error-message").get_text(" ")) \
        .removeprefix("Error: ")


def _summary_links(page: Page) -> dict[str, str]:
    return {a["href"]: normalise(a.get_text()) for a in page.select(".govuk-error-summary__list a")}


def test_a_plan_with_one_target_for_two_indicators_is_refused_on_the_targets(client: FlaskClient,
                                                                             journey: Journey) -> None:
    ref, people = _assessed(journey)
    task_id = journey.task(ref, "plan", "cm1")["id"]
    before = _state(journey, ref, task_id)
    cm1 = _signed_in(client, "cm1")
    response = _post(cm1, task_id, {
        **_day("agreed_on", "2027-03-01"), **_day("review_date", "2027-05-20"),
        "targets-count": "1", "targets-0-indicator": "7", "targets-0-person_id": people[1]["person_id"],
        "targets-0-target": "Attendance above 90% this term", **_day("targets-0-by_date", "2027-07-20")})
    assert response.status_code == 400
    page = Page(response)
    message = ("Add a target for each of the family's indicators: there is none for indicator 22 for Sam Smith")
    assert _summary_links(page) == {"#targets": message}
    assert _field_error(page, "targets") == message
    assert page.select_one('#task-form [name="targets-0-target"]').get_text() == "Attendance above 90% this term"
    assert page.select_one('#task-form [name="review_date-day"]')["value"] == "20"
    assert _state(journey, ref, task_id) == before and before[0] == "open"


def _planned(journey: Journey, people: list[dict[str, Any]], ref: str) -> str:
    journey.do(ref, "plan", "cm1", {"agreed_on": "2027-03-01", "review_date": "2027-06-01",
                                    "targets": journey.plan_targets(ref, people)})
    journey.travel("P1M")  # 1 April 2027: the team reviews every 3 months, so by 1 July
    return str(journey.task(ref, "review", "cm1")["id"])


def _review_answers(people: list[dict[str, Any]], review_date: str) -> dict[str, str]:
    return {**_day("reviewed_on", "2027-04-01"), "next_steps": "Weekly visits until the summer.",
            "ready_to_close": "false", **_day("review_date", review_date),
            "progress-count": "1", "progress-0-person_id": people[1]["person_id"], "progress-0-indicator": "7",
            "progress-0-status": "on_track", "progress-0-evidence": "Attendance 93%"}


def test_a_review_nine_months_away_needs_a_reason_and_is_then_kept(client: FlaskClient, journey: Journey) -> None:
    ref, people = _assessed(journey)
    task_id = _planned(journey, people, ref)
    before = _state(journey, ref, task_id)
    cm1 = _signed_in(client, "cm1")
    response = _post(cm1, task_id, _review_answers(people, "2028-01-03"))
    assert response.status_code == 400
    page = Page(response)
    assert _summary_links(page) == {"#review_date_reason": LATER}
    assert _field_error(page, "review_date_reason") == LATER
    assert page.select_one('#task-form [name="next_steps"]').get_text() == "Weekly visits until the summer."
    assert page.select_one('#task-form [name="review_date-year"]')["value"] == "2028"
    assert _state(journey, ref, task_id) == before and before[0] == "open"

    # With a reason the date is honoured: the next review is due on it, not replaced by the cadence.
    answers = {**_review_answers(people, "2028-01-03"), "review_date_reason": "Sam is in hospital until December."}
    assert _post(cm1, task_id, answers).status_code == 302
    assert journey.task(ref, "review", "cm1")["due_at"] == "2028-01-03T17:00:00+00:00"


def test_a_review_within_the_cadence_is_due_on_the_date_given(client: FlaskClient, journey: Journey) -> None:
    ref, people = _assessed(journey)
    task_id = _planned(journey, people, ref)
    assert _post(_signed_in(client, "cm1"), task_id, _review_answers(people, "2027-05-14")).status_code == 302
    assert journey.task(ref, "review", "cm1")["due_at"] == "2027-05-14T16:00:00+00:00"  # 17:00 BST


def test_a_next_review_in_the_past_is_refused(client: FlaskClient, journey: Journey) -> None:
    ref, people = _assessed(journey)
    task_id = _planned(journey, people, ref)
    before = _state(journey, ref, task_id)
    answers = {**_review_answers(people, "2027-03-31"), **_day("reviewed_on", "2027-03-30")}
    response = _post(_signed_in(client, "cm1"), task_id, answers)
    assert response.status_code == 400
    page = Page(response)
    assert _summary_links(page) == {"#review_date-day": "Next review date must be today or in the future"}
    assert _field_error(page, "review_date") == "Next review date must be today or in the future"
    assert page.select_one('#task-form [name="review_date-day"]')["value"] == "31"
    assert _state(journey, ref, task_id) == before and before[0] == "open"


def test_a_closure_outcome_not_in_the_plan_and_a_missing_one_are_refused(client: FlaskClient,
                                                                         journey: Journey) -> None:
    ref, people = _assessed(journey)
    review_id = _planned(journey, people, ref)
    journey.do(ref, "review", "cm1", {
        "reviewed_on": journey.today(), "next_steps": "Close.", "ready_to_close": True,
        "progress": [{"person_id": people[1]["person_id"], "indicator": 7, "status": "achieved",
                      "evidence": "Attendance 95%"}]})
    assert review_id
    task_id = journey.task(ref, "write_closure", "cm1")["id"]
    before = _state(journey, ref, task_id)
    response = _post(_signed_in(client, "cm1"), task_id, {
        **_day("closed_on", "2027-04-01"), "summary": "Good progress on attendance.", "evidence": "On file.",
        "outcomes-count": "2",
        "outcomes-0-person_id": people[1]["person_id"], "outcomes-0-indicator": "7", "outcomes-0-achieved": "true",
        "outcomes-0-evidence": "Attendance 95%",
        "outcomes-1-person_id": people[0]["person_id"], "outcomes-1-indicator": "19", "outcomes-1-achieved": "true",
        "outcomes-1-evidence": "Debt plan agreed"})
    assert response.status_code == 400
    page = Page(response)
    not_in_plan = "Indicator 19 for Sam Smith is not in the plan: remove this outcome"
    missing = "Add an outcome for each indicator in the plan: there is none for indicator 22 for Sam Smith"
    assert _summary_links(page) == {"#outcomes": missing, "#outcomes-1-indicator": not_in_plan}
    assert _field_error(page, "outcomes") == missing
    assert _field_error(page, "outcomes-1-indicator") == not_in_plan
    assert page.select_one('#task-form [name="outcomes-1-evidence"]').get_text() == "Debt plan agreed"
    assert page.select_one('#task-form [name="summary"]').get_text() == "Good progress on attendance."
    assert _state(journey, ref, task_id) == before and before[0] == "open"


def test_the_parenting_and_family_teams_plan_needs_a_target_for_each_indicator(client: FlaskClient,
                                                                               journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, route="parenting_family_team")
    task_id = journey.task(ref, "pft_plan", "pft1")["id"]
    before = _state(journey, ref, task_id)
    response = _post(_signed_in(client, "pft1"), task_id, {
        "intervention": "Weekly parenting sessions.", **_day("agreed_on", "2027-03-01"),
        **_day("review_date", "2027-12-01"), "targets-count": "1", "targets-0-indicator": "22",
        "targets-0-person_id": people[0]["person_id"], "targets-0-target": "A safety plan agreed",
        **_day("targets-0-by_date", "2027-05-01")})
    assert response.status_code == 400
    page = Page(response)
    coverage = "Add a target for each of the family's indicators: there is none for indicator 7 for Alex Smith"
    later = ("Enter why the review is after 1 June 2027, or choose an earlier date: the team reviews every 3 months")
    assert _summary_links(page) == {"#targets": coverage, "#review_date_reason": later}
    assert _field_error(page, "targets") == coverage
    assert page.select_one('#task-form [name="intervention"]').get_text() == "Weekly parenting sessions."
    assert _state(journey, ref, task_id) == before and before[0] == "open"
