"""A broken window (docs/sources/DOMAIN.md's default): the outcome is marked broken; an open family's lead
professional records renewed progress, which restarts the window from the new anchor; a closed family
gets no task and cannot be claimed until a later closure re-establishes progress."""

from __future__ import annotations

from typing import Any

from tests.fixtures.lifecycle import TEAM, Journey


def _employed(journey: Journey) -> tuple[str, list[dict[str, Any]]]:
    """In case management with cm1, continuous employment off JSA from 1 March 2027 verified."""
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, indicators=(16, 7))
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    adult = people[0]["person_id"]
    sent = journey.api.post("/api/v1/messages", as_="cm1", json={
        "name": "continuous_employment", "correlation": {"family_ref": ref},
        "payload": {"family_ref": ref, "person_id": adult, "benefit": "jsa", "off_benefit_on": "2027-03-01",
                    "employment_started_on": "2027-03-01"}})
    assert sent.status_code == 200 and sent.get_json()["delivered"] == 1
    journey.do(ref, "verify_employment", "tf1", {"person_id": adult, "benefit": "jsa", "verified": True,
                                                 "employment_started_on": "2027-03-01",
                                                 "off_benefit_on": "2027-03-01", "evidence": "DWP data match"})
    return ref, people


def _escalate(journey: Journey, ref: str) -> None:
    response = journey.api.post("/api/v1/messages", as_="tm1", json={
        "name": "social_care_escalation", "correlation": {"family_ref": ref},
        "payload": {"family_ref": ref, "reason": "Section 47 enquiry", "on": journey.today()}})
    assert response.status_code == 200 and response.get_json()["delivered"] == 1


def test_a_broken_window_while_open_goes_to_the_case_manager_and_renewal_restarts_it(journey: Journey) -> None:
    ref, _ = _employed(journey)
    journey.travel("P1M")
    _escalate(journey, ref)
    family = journey.family(ref)
    (outcome,) = family["outcomes"]
    assert (outcome["kind"], outcome["status"]) == ("continuous_employment", "broken")
    assert outcome["reason"] == "escalated to social care: Section 47 enquiry"
    assert family["status"] == "open"
    task = journey.task(ref, "renew_employment", "cm1")
    assert (task["group"], task["team"], task["assignee"]) == ("case_manager", TEAM, "cm1")
    detail = journey.ok(journey.api.get(f"/api/v1/tasks/{task['id']}", as_="cm1"))
    assert detail["form_schema"]["title"] == "Record renewed progress"

    other = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm2",
                             json={"data": {"renewed": True, "renewed_on": "2027-04-01", "evidence": "x"}})
    assert (other.status_code, other.get_json()["error"]["code"]) == (409, "claimed_by_another")
    undated = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm1",
                               json={"data": {"renewed": True, "evidence": "Back at work after a week"}})
    assert (undated.status_code, undated.get_json()["error"]["code"]) == (422, "validation_failed")
    assert undated.get_json()["error"]["details"] == {"renewed_on": ["Enter the date progress was re-established"]}
    assert journey.family(ref)["outcomes"] == family["outcomes"]  # nothing written
    assert journey.task(ref, "renew_employment", "cm1")["id"] == task["id"]

    journey.do(ref, "renew_employment", "cm1", {"renewed": True, "renewed_on": "2027-04-01",
                                                "evidence": "Back at work after a week"})
    (outcome,) = journey.family(ref)["outcomes"]
    assert (outcome["status"], outcome["anchor_date"], outcome["reason"]) == ("running", "2027-04-01", None)
    assert outcome["sustained_at"] == "2027-09-29T23:00:00+00:00"  # 26 weeks from 1 April: 00:00 BST, 30 Sept
    history = journey.ok(journey.api.get(f"/api/v1/instances/{task['instance_id']}/history", as_="admin"))
    assert [e["data"] for e in history["items"] if e["kind"] == "outcome_renewed"] == [{
        "outcome_id": outcome["id"], "broken": "escalated to social care: Section 47 enquiry",
        "anchor_date": "2027-03-01", "renewed_on": "2027-04-01", "sustained_at": outcome["sustained_at"]}]

    early = journey.claim_window("2027 September", "2027-09-01T00:00:00+01:00", "2027-09-30T00:00:00+01:00")
    later = journey.claim_window("2027 October", "2027-10-01T00:00:00+01:00", "2027-10-31T00:00:00+00:00")
    journey.travel("P6M")
    assert journey.window(early["id"])["pool"] == []  # the first window (to 30 August) was broken
    pool = journey.window(later["id"])["pool"]
    assert [(p["family_ref"], p["claim_type"]) for p in pool] == [(ref, "continuous_employment")]
    assert journey.family(ref)["outcomes"][0]["status"] == "sustained"


def test_a_broken_window_after_closure_gets_no_task_and_a_later_closure_re_establishes_progress(
        journey: Journey) -> None:
    ref, people = _employed(journey)
    first_instance = journey.task(ref, "assess", "cm1")["instance_id"]
    journey.do(ref, "assess", "cm1", {"assessed_on": "2027-03-01", "all_members_included": True,
                                      "summary": "Whole family assessed."})
    journey.do(ref, "plan", "cm1", {"agreed_on": "2027-03-01", "review_date": "2027-06-01",
                                    "targets": journey.plan_targets(ref, people)})
    journey.travel("P1M")
    journey.do(ref, "review", "cm1", {"reviewed_on": journey.today(), "next_steps": "Close.", "ready_to_close": True,
                                      "progress": [{"person_id": people[1]["person_id"], "indicator": 7,
                                                    "status": "on_track", "evidence": "Attendance 93%"}]})
    journey.closure_summary(ref, people, (16, 7))  # the plan's indicators: the closure names both
    journey.approve(ref)
    assert journey.family(ref)["status"] == "closed"
    _escalate(journey, ref)
    family = journey.family(ref)
    assert [(o["kind"], o["indicator"], o["status"]) for o in family["outcomes"]] == [
        ("continuous_employment", 16, "broken"), ("progress", 16, "broken"), ("progress", 7, "broken")]
    # closed: no renewed-progress task (only the TF team's check from identification is open)
    assert [t["bpmn_id"] for t in family["open_tasks"]] == ["check_identified_family"]
    assert journey.instance(first_instance)["status"] == "completed"  # outcomes recorded, no claim

    second = journey.refer()  # the re-referral goes to triage as usual
    journey.triage(second["family_ref"], second["people"], match=ref, indicators=(16, 7))
    journey.case_management_to_closure(ref, second["people"])  # outcomes for both: progress re-established
    journey.approve(ref)
    blocked = journey.claim_window("2027 December", "2027-12-01T00:00:00+00:00", "2027-12-31T00:00:00+00:00")
    later = journey.claim_window("2029 March", "2029-03-01T00:00:00+00:00", "2029-03-31T00:00:00+01:00")
    journey.travel("P23M")
    assert journey.window(blocked["id"])["pool"] == []  # before the new window ends: still not claimable
    statuses = [(o["kind"], o["indicator"], o["status"]) for o in journey.family(ref)["outcomes"]]
    assert statuses == [("continuous_employment", 16, "broken"), ("progress", 16, "broken"), ("progress", 7, "broken"),
                        ("progress", 16, "sustained"), ("progress", 7, "sustained")]
    pool = journey.window(later["id"])["pool"]
    assert [(p["family_ref"], p["claim_type"]) for p in pool] == [(ref, "sustained_progress")]


def test_a_re_referral_of_an_open_family_breaks_its_employment_window_and_no_renewal_leaves_it_broken(
        journey: Journey) -> None:
    ref, _ = _employed(journey)
    second = journey.refer()
    journey.triage(second["family_ref"], second["people"], match=ref, route="no_further_action", indicators=(7,))
    family = journey.family(ref)
    # Still open on its case management journey: the re-referral's own route does not close it.
    assert (family["status"], family["route"], family["closed_on"]) == ("open", "case_management", None)
    (outcome,) = family["outcomes"]
    assert (outcome["status"], outcome["reason"]) == ("broken", f"re-referred: {second['referral_ref']}")
    task = journey.task(ref, "renew_employment", "cm1")  # the family was open before the re-referral
    assert (task["group"], task["assignee"]) == ("case_manager", "cm1")
    journey.do(ref, "renew_employment", "cm1", {"renewed": False, "evidence": "Lost the job."})
    (outcome,) = journey.family(ref)["outcomes"]
    assert (outcome["status"], outcome["sustained_at"]) == ("broken", "2027-08-29T23:00:00+00:00")
    assert [t["bpmn_id"] for t in journey.family(ref)["open_tasks"]] == ["check_identified_family", "assess"]
    window = journey.claim_window("2027 September", "2027-09-01T00:00:00+01:00", "2027-09-30T00:00:00+01:00")
    journey.travel("P7M")
    assert journey.window(window["id"])["pool"] == []
