"""Overdue triage and overdue Parenting and Family Team reviews escalate, as case-management reviews do:
to the manager group the council's settings name, with a due date, in the inbox and the history.
Driven on the manual clock (``journey.travel`` advances it and sweeps the timers)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select

from engine.models import HumanTask, User
from tests.fixtures.client_request import Page
from tests.fixtures.lifecycle import TEAM, Journey
from tests.fixtures.pages import PASSWORD, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password
from workflows.models import CouncilSetting


def _open(journey: Journey, ref: str) -> list[tuple[str, str, str | None, str | None]]:
    return [(t["bpmn_id"], t["group"], t["team"], t["due_at"]) for t in journey.family(ref)["open_tasks"]]


def _history_kinds(journey: Journey, instance_id: int, bpmn_id: str) -> list[tuple[str, Any]]:
    history = journey.ok(journey.api.get(f"/api/v1/instances/{instance_id}/history", as_="admin"))
    return [(e["kind"], (e.get("data") or {}).get("group")) for e in history["items"] if e.get("bpmn_id") == bpmn_id]


def _inbox_rows(username: str, tab: str) -> list[list[str]]:
    set_password(db.session, db.session.scalars(select(User).where(User.username == username)).one(), PASSWORD)
    db.session.commit()
    ui = current_app.test_client()
    sign_in(ui, username)
    return Page(ui.get(f"/inbox?tab={tab}")).rows("table")


def test_an_overdue_triage_escalates_to_the_district_team_manager_and_the_unit_may_still_triage(
        journey: Journey) -> None:
    referral = journey.refer()  # Monday 1 March 09:00: triage due 17:00 on Tuesday
    ref, people = referral["family_ref"], referral["people"]
    journey.travel("P1DT7H59M")  # 16:59 on Tuesday: not yet overdue
    assert [t[0] for t in _open(journey, ref)] == ["triage_referral"]
    journey.travel("PT2M")
    assert _open(journey, ref) == [
        ("triage_referral", "early_help_unit", None, "2027-03-02T17:00:00+00:00"),
        ("triage_escalated", "team_manager", TEAM, "2027-03-10T17:00:00+00:00")]
    triage = journey.task(ref, "triage_referral", "ehu1")
    assert _history_kinds(journey, triage["instance_id"], "triage_escalated") == [("task_opened", "team_manager")]
    # In the team manager's inbox, with the Early Help Unit's triage behind it shown overdue.
    [row] = _inbox_rows("tm1", "available")
    assert "Overdue triage: see that the referral is triaged" in row[0] and "10 March 2027" in " ".join(row)
    # Non-interrupting: the Early Help Unit still triages; the manager's task stays theirs to answer.
    journey.triage(ref, people)
    assert "triage_escalated" in [t[0] for t in _open(journey, ref)]
    task = journey.task(ref, "triage_escalated", "tm1")
    refused = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="tm1", json={"data": {"action": " "}})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"] == {"action": ["Enter what you have done about the overdue triage"]}
    assert "triage_escalated" in [t[0] for t in _open(journey, ref)]  # nothing written
    journey.do(ref, "triage_escalated", "tm1", {"action": "Asked the duty worker to triage it today."})
    assert "triage_escalated" not in [t[0] for t in _open(journey, ref)]
    assert journey.task(ref, "allocate", "tm1")  # the journey carried on from the triage


def test_a_council_names_another_group_for_overdue_triage(journey: Journey) -> None:
    refused = journey.api.put("/api/v1/admin/settings", as_="admin", json={"triage_escalation_group": "referrer"})
    assert refused.status_code == 422
    assert list(refused.get_json()["error"]["details"]) == ["triage_escalation_group"]
    assert db.session.scalar(select(func.count()).select_from(CouncilSetting)) == 0  # nothing written
    journey.ok(journey.api.put("/api/v1/admin/settings", as_="admin",
                               json={"triage_escalation_group": "tf_coordinator", "escalation_working_days": 2}))
    ref = journey.refer()["family_ref"]
    journey.travel("P2D")
    escalated = [t for t in _open(journey, ref) if t[0] == "triage_escalated"]
    assert escalated == [("triage_escalated", "tf_coordinator", None, "2027-03-05T17:00:00+00:00")]
    assert journey.task(ref, "triage_escalated", "co1")


def _pft_plan(journey: Journey) -> tuple[str, list[dict[str, Any]]]:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, route="parenting_family_team")
    journey.do(ref, "pft_plan", "pft1", {"intervention": "Weekly parenting sessions.", "agreed_on": "2027-03-01",
                                         "review_date": "2027-06-01", "targets": journey.plan_targets(ref, people)})
    return ref, people


def test_an_overdue_pft_review_escalates_to_the_team_manager_with_a_due_date(journey: Journey) -> None:
    ref, people = _pft_plan(journey)
    journey.travel("P3M")  # 1 June 09:00: due 17:00 that day, not yet overdue
    assert "pft_review" in [t[0] for t in _open(journey, ref)]
    journey.travel("PT9H")
    open_tasks = _open(journey, ref)
    assert "pft_review" not in [t[0] for t in open_tasks]
    assert ("pft_review_escalated", "team_manager", TEAM, "2027-06-09T16:00:00+00:00") in open_tasks
    task = journey.task(ref, "pft_review_escalated", "tm1")
    assert _history_kinds(journey, task["instance_id"], "pft_review_escalated")[0] == ("task_opened", "team_manager")
    [row] = _inbox_rows("tm1", "available")
    assert "Overdue review: complete it with the Parenting and Family Team worker" in row[0]
    journey.do(ref, "pft_review_escalated", "tm1", {
        "reviewed_on": "2027-06-01", "ready_to_close": False, "review_date": "2027-09-01",
        "next_steps": "Worker to visit weekly.",
        "progress": [{"person_id": people[1]["person_id"], "indicator": 7, "status": "on_track",
                      "evidence": "Routine improving"}]})
    assert journey.task(ref, "pft_review", "pft1")["due_at"] == "2027-09-01T16:00:00+00:00"


def test_a_pft_review_sixteen_months_overdue_is_escalated_the_day_it_fell_due(journey: Journey) -> None:
    ref, _ = _pft_plan(journey)
    journey.travel("P19M")
    escalated = [t for t in _open(journey, ref) if t[0] == "pft_review_escalated"]
    assert escalated == [("pft_review_escalated", "team_manager", TEAM, "2027-06-09T16:00:00+00:00")]
    [row] = _inbox_rows("tm1", "overdue")  # the escalated review is itself overdue now: the red tag
    assert "Overdue review: complete it with the Parenting and Family Team worker" in row[0]
    assert "Overdue" in " ".join(row[1:])


def test_an_escalated_case_management_review_has_a_due_date(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people)
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    journey.do(ref, "assess", "cm1", {"assessed_on": "2027-03-01", "all_members_included": True,
                                      "summary": "Assessed."})
    journey.do(ref, "plan", "cm1", {"agreed_on": "2027-03-01", "review_date": "2027-06-01",
                                    "targets": journey.plan_targets(ref, people)})
    journey.travel("P3MT9H")
    assert journey.task(ref, "review_escalated", "tm1")["due_at"] == "2027-06-09T16:00:00+00:00"
    assert db.session.scalar(select(HumanTask.due_at).where(HumanTask.bpmn_id == "review_escalated")) is not None
