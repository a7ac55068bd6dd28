"""A family screened "at the point of assessment" (practice guidance 13c): one headline issue
at triage, a second found by the whole-family assessment. It is identified at the assessment, goes on the
TF register, and is claimed once its outcomes are sustained, instead of ending "Closed, not a Troubled
Family"."""

from __future__ import annotations

from tests.fixtures.lifecycle import TEAM, Journey


def test_a_family_identified_at_assessment_is_registered_and_claimed(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, indicators=(7,))  # persistent absence only: one headline issue
    family = journey.family(ref)
    assert (family["eligible"], family["headline_issues"], family["on_tf_register"]) == (False, [2], False)

    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    journey.travel("P2D")
    journey.do(ref, "assess", "cm1", {
        "assessed_on": "2027-03-02", "all_members_included": True, "summary": "Police call-outs confirmed.",
        "indicators": [{"person_id": people[0]["person_id"], "indicator": 22, "evidence": "Police notification"}]})
    family = journey.family(ref)
    assert (family["eligible"], family["headline_issues"], family["on_tf_register"]) == (True, [2, 5], True)
    journey.do(ref, "check_identified_family", "tf1", {"data_checked": True})  # the TF team was alerted

    journey.do(ref, "plan", "cm1", {"agreed_on": "2027-03-03", "review_date": "2027-06-01", "targets": [
        {"indicator": 7, "person_id": people[1]["person_id"], "target": "Attendance over 90%",
         "by_date": "2027-07-20"},
        {"indicator": 22, "person_id": people[0]["person_id"], "target": "No call-outs",
         "by_date": "2027-07-20"}]})
    journey.travel("P2M")
    journey.do(ref, "review", "cm1", {"reviewed_on": journey.today(), "next_steps": "Close.", "ready_to_close": True,
                                      "progress": [{"person_id": people[1]["person_id"], "indicator": 7,
                                                    "status": "on_track", "evidence": "93%"}]})
    journey.closure_summary(ref, people, (22, 7))
    journey.approve(ref)

    family = journey.family(ref)
    assert family["status"] == "closed" and family["closure_approved_at"]
    assert sorted((o["indicator"], o["status"]) for o in family["outcomes"]) == [(7, "running"), (22, "running")]
    journey.travel("P7M")
    journey.travel("P10M")
    assert [o["status"] for o in journey.family(ref)["outcomes"]] == ["sustained", "sustained"]

    window = journey.claim_window("2028 December", "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00")
    journey.travel("P3M")  # past the local cut-off
    detail = journey.window(window["id"])
    assert [(p["family_ref"], p["claim_type"]) for p in detail["pool"]] == [(ref, "sustained_progress")]
    journey.audit(ref, 1)
    journey.audit(ref, 2, refer_to_stage_3=False)
    journey.submit_batch(journey.window(window["id"]))

    family = journey.family(ref)
    assert family["claim"]["state"] == "submitted" and family["claim"]["claim_type"] == "sustained_progress"
    assert journey.instance(referral["instance_id"])["status"] == "completed"
    history = journey.ok(journey.api.get(f"/api/v1/instances/{referral['instance_id']}/history?limit=500",
                                         as_="admin"))["items"]
    assert not any(e["bpmn_id"] == "not_eligible" for e in history)
    assert any(e["bpmn_id"] == "claimed" for e in history)
    csv_text = journey.api.get(f"/api/v1/claim-windows/{window['id']}/claim-file.csv", as_="tf1").get_data(True)
    assert csv_text.strip().splitlines()[1].startswith(f"{ref},2027-03-02,sustained_progress,2 5,")


def test_a_family_identified_by_the_parenting_plan_is_registered_and_claimed(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, route="parenting_family_team", indicators=(7,))
    assert journey.family(ref)["on_tf_register"] is False
    journey.do(ref, "pft_plan", "pft1", {
        "intervention": "Weekly parenting sessions.", "agreed_on": "2027-03-01", "review_date": "2027-06-01",
        "targets": [{"indicator": 7, "person_id": people[1]["person_id"], "target": "Morning routine",
                     "by_date": "2027-04-30"},
                    {"indicator": 22, "person_id": people[0]["person_id"], "target": "No call-outs",
                     "by_date": "2027-04-30"}]})
    family = journey.family(ref)
    assert (family["eligible"], family["headline_issues"], family["on_tf_register"]) == (True, [2, 5], True)
    journey.do(ref, "check_identified_family", "tf1", {"data_checked": True})

    journey.travel("P1M")
    journey.do(ref, "pft_review", "pft1", {"reviewed_on": journey.today(), "ready_to_close": True,
                                           "next_steps": "Close.", "progress": [
                                               {"person_id": people[1]["person_id"], "indicator": 7,
                                                "status": "achieved", "evidence": "Routine in place"}]})
    outcome = {"person_id": people[1]["person_id"], "indicator": 7, "achieved": True, "evidence": "Routine kept"}
    closure = {"closed_on": journey.today(), "summary": "Done.", "evidence": "On file.", "outcomes": [outcome]}
    task = journey.task(ref, "pft_closure", "pft1")
    refused = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="pft1", json={"data": closure})
    assert refused.status_code == 422 and refused.get_json()["error"]["details"] == {
        "outcomes": ["Add the outcome for indicator 22 for Sam Smith: the plan of intervention identified it"]}
    closure["outcomes"] = [outcome, {"person_id": people[0]["person_id"], "indicator": 22, "achieved": True,
                                     "evidence": "No call-outs since March"}]
    journey.do(ref, "pft_closure", "pft1", closure)
    journey.do(ref, "pft_approve_closure", "pftm1", {"decision": "approve", "evidence_checked": True})

    journey.travel("P7M")
    journey.travel("P10M")
    assert [o["status"] for o in journey.family(ref)["outcomes"]] == ["sustained", "sustained"]
    window = journey.claim_window("2028 December", "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00")
    journey.travel("P3M")
    assert [p["family_ref"] for p in journey.window(window["id"])["pool"]] == [ref]
    journey.audit(ref, 1)
    journey.audit(ref, 2, refer_to_stage_3=False)
    journey.submit_batch(journey.window(window["id"]))
    assert journey.family(ref)["claim"]["state"] == "submitted"
    assert journey.instance(referral["instance_id"])["status"] == "completed"
