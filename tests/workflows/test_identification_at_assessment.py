"""Indicators found at the whole-family assessment count (practice guidance 13c): they join the
family's identified indicators, eligibility is re-run, the family goes on the TF register once (the TF team
alerted by ``family_identified`` as at triage) and each is an outcome the closure must record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.fixtures.lifecycle import TEAM, Journey
from web.extensions import db
from workflows.models import Family, TfRegister
from workflows.operations.identification import record_indicators


def _history(journey: Journey, instance_id: int) -> list[dict[str, Any]]:
    return journey.ok(journey.api.get(f"/api/v1/instances/{instance_id}/history?limit=500", as_="admin"))["items"]


def _identified_messages(journey: Journey, instance_id: int) -> list[dict[str, Any]]:
    return [e["data"] for e in _history(journey, instance_id)
            if e["kind"] == "message_thrown" and e["data"]["name"] == "family_identified"]


def _one_headline_issue_assessed(journey: Journey) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
    """Persistent absence (indicator 7, the education headline) at triage; a police call-out for a domestic
    incident (22, the domestic abuse headline) found at assessment."""
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, indicators=(7,))
    family = journey.family(ref)
    assert (family["eligible"], family["headline_issues"], family["on_tf_register"]) == (False, [2], False)
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    journey.travel("P1D")  # the assessment is recorded the next day, dated the day it happened
    journey.do(ref, "assess", "cm1", {
        "assessed_on": "2027-03-01", "all_members_included": True, "summary": "Whole family assessed.",
        "indicators": [
            {"person_id": people[1]["person_id"], "indicator": 7, "evidence": "Attendance 71%"},  # confirmed
            {"person_id": people[0]["person_id"], "indicator": 22, "evidence": "Disclosed at the home visit"}]})
    return referral, ref, people


def test_an_indicator_found_at_assessment_identifies_the_family_once(journey: Journey) -> None:
    referral, ref, people = _one_headline_issue_assessed(journey)

    family = journey.family(ref)
    assert family["indicators"] == [{"person_id": people[1]["person_id"], "indicator": 7},
                                    {"person_id": people[0]["person_id"], "indicator": 22}]
    assert (family["eligible"], family["headline_issues"], family["on_tf_register"]) == (True, [2, 5], True)
    register = journey.ok(journey.api.get("/api/v1/tf-register", as_="tf1"))["items"]
    assert [(r["family_ref"], r["headline_issues"], r["added_at"][:10]) for r in register] == [
        (ref, [2, 5], "2027-03-01")]  # identified on the assessment's date, not the day it was typed in
    assert _identified_messages(journey, referral["instance_id"]) == [
        {"name": "family_identified", "correlation": {"family_ref": ref}}]
    history = _history(journey, referral["instance_id"])
    assert [e["data"] for e in history if e["kind"] == "tf_team_alerted"] == [
        {"family_ref": ref, "headline_issues": [2, 5], "identified_at": "assessment"}]
    assert [e["data"]["indicators"] for e in history if e["kind"] == "indicators_identified"] == [
        [{"person_id": people[0]["person_id"], "indicator": 22}]]
    journey.do(ref, "check_identified_family", "tf1", {"data_checked": True})  # identification_alert started

    journey.do(ref, "plan", "cm1", {"agreed_on": "2027-03-02", "review_date": "2027-06-01", "targets": [
        {"indicator": 7, "person_id": people[1]["person_id"], "target": "Attendance over 90%",
         "by_date": "2027-07-20"},
        {"indicator": 22, "person_id": people[0]["person_id"], "target": "Safety plan kept",
         "by_date": "2027-07-20"}]})
    journey.travel("P1M")
    journey.do(ref, "review", "cm1", {"reviewed_on": journey.today(), "next_steps": "Close.", "ready_to_close": True,
                                      "progress": [{"person_id": people[1]["person_id"], "indicator": 7,
                                                    "status": "on_track", "evidence": "93%"}]})
    assert len(_identified_messages(journey, referral["instance_id"])) == 1  # not again after plan and review
    tasks = journey.ok(journey.api.get(f"/api/v1/tasks?family_ref={ref}&bpmn_id=check_identified_family",
                                       as_="tf1"))["items"]
    assert tasks == []

    task = journey.task(ref, "write_closure", "cm1")
    refused = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm1", json={"data": {
        "closed_on": journey.today(), "summary": "Good progress.", "evidence": "On file.",
        "outcomes": [{"person_id": people[1]["person_id"], "indicator": 7, "achieved": True,
                      "evidence": "Attendance 93%"}]}})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (422, "validation_failed")
    assert refused.get_json()["error"]["details"] == {
        "outcomes": ["Add the outcome for indicator 22 for Sam Smith: the assessment identified it"]}
    assert journey.task(ref, "write_closure", "cm1")["id"] == task["id"]  # nothing written
    journey.closure_summary(ref, people, (22, 7))
    assert [t["bpmn_id"] for t in journey.family(ref)["open_tasks"]] == ["approve_closure"]


@dataclass
class _Step:
    """What ``record_indicators`` uses of the engine's step context: the session, the moment, the history."""

    session: Any
    now: datetime
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def record(self, kind: str, *, data: dict[str, Any] | None = None, **_: Any) -> None:
        self.events.append((kind, data or {}))


def test_recording_the_same_indicators_again_changes_nothing(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, indicators=(7,))
    rows = [{"person_id": people[0]["person_id"], "indicator": 22, "evidence": "Disclosed"}]
    step = _Step(db.session, datetime.fromisoformat("2027-03-03T10:00:00+00:00"))
    first = record_indicators(step, {"family_ref": ref, "indicators": rows, "on": "2027-03-02"})  # type: ignore[arg-type]
    again = record_indicators(step, {"family_ref": ref, "indicators": rows, "on": "2027-03-02"})  # type: ignore[arg-type]
    assert (first["added"], first["eligible"], first["found"]) == (
        True, True, [{"person_id": people[0]["person_id"], "indicator": 22}])
    assert (again["added"], again["eligible"], again["found"]) == (False, True, [])
    assert [kind for kind, _ in step.events] == ["indicators_identified", "tf_team_alerted"]
    family = db.session.query(Family).filter_by(ref=ref).one()
    assert len(family.indicators) == 2 and family.headline_issues == [2, 5]
    entry = db.session.get(TfRegister, family.id)
    assert entry is not None and entry.added_at.isoformat() == "2027-03-02T10:00:00+00:00"
    db.session.rollback()


def test_an_assessment_that_finds_nothing_new_leaves_an_ineligible_family_out(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, indicators=(7,))
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    journey.do(ref, "assess", "cm1", {"assessed_on": "2027-03-01", "all_members_included": True,
                                      "summary": "Whole family assessed."})
    family = journey.family(ref)
    assert (family["eligible"], family["on_tf_register"]) == (False, False)
    assert _identified_messages(journey, referral["instance_id"]) == []
    assert [t["bpmn_id"] for t in family["open_tasks"]] == ["plan"]


def test_an_indicator_the_parenting_plan_adds_identifies_the_family_once(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, route="parenting_family_team", indicators=(7,))
    journey.do(ref, "pft_plan", "pft1", {
        "intervention": "Weekly parenting sessions.", "agreed_on": "2027-03-01", "review_date": "2027-06-01",
        "targets": [{"indicator": 7, "person_id": people[1]["person_id"], "target": "Morning routine",
                     "by_date": "2027-04-30"},
                    {"indicator": 22, "person_id": people[0]["person_id"], "target": "No call-outs",
                     "by_date": "2027-04-30"}]})
    family = journey.family(ref)
    assert family["indicators"][-1] == {"person_id": people[0]["person_id"], "indicator": 22}
    assert (family["eligible"], family["on_tf_register"]) == (True, True)
    history = _history(journey, referral["instance_id"])
    assert [e["data"] for e in history if e["kind"] == "tf_team_alerted"] == [
        {"family_ref": ref, "headline_issues": [2, 5], "identified_at": "pft_plan"}]
    progress = [{"person_id": people[1]["person_id"], "indicator": 7, "status": "on_track", "evidence": "Better"}]
    for _ in range(2):
        journey.travel("P1M")
        journey.do(ref, "pft_review", "pft1", {"reviewed_on": journey.today(), "ready_to_close": False,
                                               "review_date": journey.in_months(2), "next_steps": "Keep going.",
                                               "progress": progress})
    assert _identified_messages(journey, referral["instance_id"]) == [
        {"name": "family_identified", "correlation": {"family_ref": ref}}]
    alerts = journey.ok(journey.api.get(f"/api/v1/tasks?family_ref={ref}&bpmn_id=check_identified_family",
                                        as_="tf1"))["items"]
    assert len(alerts) == 1


def test_a_family_identified_at_triage_is_not_identified_again_at_assessment(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people)  # indicators 22 and 7: identified at triage
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    journey.do(ref, "assess", "cm1", {
        "assessed_on": "2027-03-01", "all_members_included": True, "summary": "Whole family assessed.",
        "indicators": [{"person_id": people[0]["person_id"], "indicator": 16, "evidence": "On JSA"}]})
    family = journey.family(ref)
    assert family["headline_issues"] == [2, 4, 5] and family["eligible"] is True
    assert len(_identified_messages(journey, referral["instance_id"])) == 1  # triage's
    register = journey.ok(journey.api.get("/api/v1/tf-register", as_="tf1"))["items"]
    assert [r["headline_issues"] for r in register] == [[2, 5]]  # the issues at entry stay as they were
