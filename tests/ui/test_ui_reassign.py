"""Reassigning the case manager from the team's tasks hands the family over (the real lifecycle): every
later task follows, the old case manager gets the 404 of a family they may not read, and a case manager
of another team is refused with nothing written."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.identity import ensure_team
from engine.models import Event, HumanTask, User
from tests.fixtures.client_request import Page
from tests.fixtures.lifecycle import TEAM, Journey
from tests.fixtures.pages import PASSWORD, csrf, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password
from workflows.models import Family


def _passwords(*usernames: str) -> None:
    for username in usernames:
        set_password(db.session(), db.session.scalars(select(User).where(User.username == username)).one(), PASSWORD)
    db.session.commit()


def _as(client: FlaskClient, username: str) -> FlaskClient:
    """A client of its own, freshly signed in (the manual clock may have ended an earlier session)."""
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


def _assign(manager: FlaskClient, task_id: str, to: str) -> str:
    page = manager.get("/inbox?tab=team").get_data(as_text=True)
    manager.post("/inbox", data={"csrf_token": csrf(page), "action": "assign", "task": [task_id], "assignee": to})
    return Page(manager.get("/inbox?tab=team")).banner


def _plan(people: list[dict[str, Any]]) -> dict[str, Any]:
    return {"agreed_on": "2027-03-01", "review_date": "2027-06-01", "targets": [
        {"indicator": 7, "person_id": people[1]["person_id"], "target": "Attendance over 90%", "by_date": "2027-07-20"},
        {"indicator": 22, "person_id": people[0]["person_id"], "target": "No police call-outs",
         "by_date": "2027-07-20"}]}


def test_a_case_manager_of_another_team_is_refused_and_nothing_is_written(client: FlaskClient,
                                                                          journey: Journey) -> None:
    ensure_team(db.session, "bassetlaw-ehcm", "Bassetlaw Early Help Case Management")
    db.session.commit()
    journey.api.user("cm-bassetlaw", "case_manager", teams=("bassetlaw-ehcm",))
    ref, _ = _assessed(journey)
    plan = journey.task(ref, "plan", "tm1")
    _passwords("tm1")
    events = db.session.scalar(select(func.count(Event.id)))
    banner = _assign(_as(client, "tm1"), plan["id"], "cm-bassetlaw")
    assert banner.startswith("Could not update a task: Select a case manager of the team Newark Early Help Case "
                             "Management: cm-bassetlaw is not one")
    db.session.expire_all()
    assert db.session.get(HumanTask, plan["id"]).assignee == "cm1"  # type: ignore[union-attr]
    assert db.session.scalars(select(Family.case_manager).where(Family.ref == ref)).one() == "cm1"
    assert db.session.scalar(select(func.count(Event.id))) == events


def test_after_a_reassign_the_overdue_review_and_the_next_one_follow_the_new_case_manager(
        client: FlaskClient, journey: Journey) -> None:
    ref, people = _assessed(journey)
    journey.do(ref, "plan", "cm1", _plan(people))
    review = journey.task(ref, "review", "tm1")
    _passwords("tm1", "cm1", "cm2")
    assert _assign(_as(client, "tm1"), review["id"], "cm2") == "1 task assigned to cm2"
    # Nobody does the review: it goes overdue to the team manager, who completes it.
    journey.travel("P4M")
    journey.do(ref, "review_escalated", "tm1", {
        "reviewed_on": journey.today(), "next_steps": "Keep going.", "ready_to_close": False,
        "review_date": "2027-10-01", "progress": [{"person_id": people[1]["person_id"], "indicator": 7,
                                                   "status": "on_track", "evidence": "Attendance 93%"}]})
    assert journey.task(ref, "review", "tm1")["assignee"] == "cm2"
    # The old case manager now gets the 404 of a family they may not read; the new one reads it.
    assert _as(client, "cm1").get(f"/families/{ref}").status_code == 404
    assert _as(client, "cm2").get(f"/families/{ref}").status_code == 200
