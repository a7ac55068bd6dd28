"""The TF team's inbox: a check for every newly identified family, and the evidence a Stage 1 audit
found missing, returned to the lead professional (or the TF team once the family is closed)."""

from __future__ import annotations

from typing import Any

from tests.fixtures.lifecycle import TEAM, Journey

CUTOFF, CLOSES = "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00"


def _inbox(journey: Journey, user: str, bpmn_id: str) -> list[dict[str, Any]]:
    page = journey.ok(journey.api.get(f"/api/v1/tasks?bpmn_id={bpmn_id}", as_=user))
    return page["items"]  # type: ignore[no-any-return]


def test_every_newly_identified_family_is_a_task_in_the_tf_team_inbox(journey: Journey) -> None:
    identified = journey.refer()
    ref = identified["family_ref"]
    journey.triage(ref, identified["people"])
    single = journey.refer()
    journey.triage(single["family_ref"], single["people"], indicators=(7,), route="no_further_action")
    (task,) = _inbox(journey, "tf1", "check_identified_family")
    assert (task["family_ref"], task["district"], task["group"], task["assignee"], task["form"]) == (
        ref, "newark_and_sherwood", "tf_team", None, "identification_check")
    assert task["instance_id"] != identified["instance_id"]  # its own instance: the journey goes on
    assert _inbox(journey, "cm1", "check_identified_family") == []
    hidden = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="tm1", json={"data": {"data_checked": True}})
    assert (hidden.status_code, hidden.get_json()["error"]["code"]) == (404, "not_found")
    unticked = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="tf1", json={"data": {}})
    assert (unticked.status_code, unticked.get_json()["error"]["code"]) == (422, "validation_failed")
    assert unticked.get_json()["error"]["details"] == {"data_checked": ["Confirm the family's data has been checked"]}
    assert [t["id"] for t in _inbox(journey, "tf1", "check_identified_family")] == [task["id"]]  # nothing written

    again = journey.refer()  # re-referred and matched: already on the register, no second alert
    journey.triage(again["family_ref"], again["people"], match=ref, route="no_further_action", indicators=(7,))
    assert [t["id"] for t in _inbox(journey, "tf1", "check_identified_family")] == [task["id"]]
    journey.do(ref, "check_identified_family", "tf1", {"data_checked": True, "notes": "Attendance data matches."})
    assert _inbox(journey, "tf1", "check_identified_family") == []
    assert journey.instance(task["instance_id"])["status"] == "completed"


def test_a_stage_1_fail_for_a_closed_family_returns_to_the_tf_team_and_it_stays_in_the_pool(
        journey: Journey) -> None:
    ref = journey.close_approved(journey.refer())
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    journey.audit(ref, 1, result="fail")
    assert journey.window(window["id"])["status"] == "closed"  # the evidence never holds the window up
    task = journey.task(ref, "evidence_by_tf_team", "tf1")
    assert (task["group"], task["assignee"], task["team"], task["form"]) == ("tf_team", None, None, "audit_evidence")
    data = journey.ok(journey.api.get(f"/api/v1/tasks/{task['id']}", as_="tf1"))["data"]
    assert (data["audit_reasons"], data["window_id"]) == ("Evidence missing.", window["id"])

    empty = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="tf1", json={"data": {}})
    assert (empty.status_code, empty.get_json()["error"]["code"]) == (422, "validation_failed")
    assert "evidence" not in journey.window(window["id"])["pool"][0]["stages"]["1"]  # nothing written
    journey.do(ref, "evidence_by_tf_team", "tf1", {"evidence": "Attendance certificate from the school.",
                                                   "provided_on": journey.today()})
    stage_1 = journey.window(window["id"])["pool"][0]["stages"]["1"]
    assert (stage_1["result"], stage_1["evidence"]["evidence"], stage_1["evidence"]["by"]) == (
        "fail", "Attendance certificate from the school.", "tf1")

    later = journey.claim_window("2029 March", "2029-03-01T00:00:00+00:00", "2029-03-31T00:00:00+01:00")
    journey.travel("P3M")
    assert [p["family_ref"] for p in journey.window(later["id"])["pool"]] == [ref]
    journey.audit(ref, 1)
    assert journey.family(ref)["audits"][1]["stages"]["1"]["result"] == "pass"


def test_a_stage_1_fail_while_the_family_is_open_returns_to_its_case_manager(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    adult = people[0]["person_id"]
    journey.triage(ref, people, indicators=(16, 7))
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    payload = {"family_ref": ref, "person_id": adult, "benefit": "esa", "off_benefit_on": "2027-03-01",
               "employment_started_on": "2027-03-01"}
    journey.ok(journey.api.post("/api/v1/messages", as_="cm1", json={
        "name": "continuous_employment", "correlation": {"family_ref": ref}, "payload": payload}))
    journey.do(ref, "verify_employment", "tf1", {**{k: v for k, v in payload.items() if k != "family_ref"},
                                                 "verified": True, "evidence": "DWP data match"})
    window = journey.claim_window("2027 June", "2027-06-01T00:00:00+01:00", "2027-06-30T00:00:00+01:00")
    journey.travel("P3M")  # 13 weeks off ESA end on 31 May
    assert journey.family(ref)["status"] == "open"
    journey.audit(ref, 1, result="fail")
    assert _inbox(journey, "tf1", "evidence_by_tf_team") == []
    task = journey.task(ref, "evidence_by_case_manager", "cm1")
    assert (task["group"], task["assignee"], task["team"]) == ("case_manager", "cm1", TEAM)
    other = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm2",
                             json={"data": {"evidence": "Payslips", "provided_on": journey.today()}})
    assert (other.status_code, other.get_json()["error"]["code"]) == (409, "claimed_by_another")
    journey.do(ref, "evidence_by_case_manager", "cm1", {"evidence": "Payslips for 13 weeks.",
                                                         "provided_on": journey.today()})
    assert journey.window(window["id"])["pool"][0]["stages"]["1"]["evidence"]["by"] == "cm1"


def test_with_the_parenting_and_family_team_both_follow_ups_go_to_the_team(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    adult = people[0]["person_id"]
    journey.triage(ref, people, route="parenting_family_team", indicators=(16, 7))
    payload = {"family_ref": ref, "person_id": adult, "benefit": "esa", "off_benefit_on": "2027-03-01",
               "employment_started_on": "2027-03-01"}
    journey.ok(journey.api.post("/api/v1/messages", as_="pft1", json={
        "name": "continuous_employment", "correlation": {"family_ref": ref}, "payload": payload}))
    journey.do(ref, "verify_employment", "tf1", {**{k: v for k, v in payload.items() if k != "family_ref"},
                                                 "verified": True, "evidence": "DWP data match"})
    journey.travel("P1M")
    # The Early Help Unit no longer reads a family the Parenting and Family Team leads, so it may not send
    # this family's messages either (a 404, as for no family); an administrator reports the escalation.
    journey.ok(journey.api.post("/api/v1/messages", as_="admin", json={
        "name": "social_care_escalation", "correlation": {"family_ref": ref},
        "payload": {"family_ref": ref, "reason": "Section 17 assessment", "on": journey.today()}}))
    renew = journey.task(ref, "renew_employment_pft", "pft1")
    assert (renew["group"], renew["assignee"], renew["team"]) == ("parenting_family_team", None, None)
    journey.do(ref, "renew_employment_pft", "pft1", {"renewed": True, "renewed_on": "2027-04-01",
                                                     "evidence": "New job from 1 April."})
    (outcome,) = journey.family(ref)["outcomes"]
    assert (outcome["status"], outcome["sustained_at"]) == ("running", "2027-06-30T23:00:00+00:00")  # 13 weeks

    window = journey.claim_window("2027 July", "2027-07-02T00:00:00+01:00", "2027-07-31T00:00:00+01:00")
    journey.travel("P3M")
    journey.travel("P1D")  # past the cut-off: 2 July 00:00 BST
    assert [p["family_ref"] for p in journey.window(window["id"])["pool"]] == [ref]
    journey.audit(ref, 1, result="fail")
    evidence = journey.task(ref, "evidence_by_pft", "pft1")
    assert (evidence["group"], evidence["assignee"]) == ("parenting_family_team", None)
    journey.do(ref, "evidence_by_pft", "pft1", {"evidence": "Employer letter.", "provided_on": journey.today()})
    assert journey.window(window["id"])["pool"][0]["stages"]["1"]["evidence"]["by"] == "pft1"
