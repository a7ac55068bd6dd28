"""The main journey: case management with two reviews and a returned-then-approved closure, sustained
outcomes, a claim window's audits and batch, the claim submitted and then marked paid."""

from __future__ import annotations

from tests.fixtures.lifecycle import TEAM, Journey


def test_case_management_two_reviews_returned_then_approved_through_to_paid(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    assert referral["referral_ref"].startswith("R-2027-") and ref.startswith("F-2027-")
    assert [p["person_id"] for p in people] == [people[0]["person_id"], people[1]["person_id"]]

    triage = journey.task(ref, "triage_referral", "ehu1")
    assert triage["due_at"] == "2027-03-02T17:00:00+00:00"  # received Monday 09:00: due 17:00 Tuesday
    journey.triage(ref, people)
    family = journey.family(ref)
    assert family["eligible"] is True and family["headline_issues"] == [2, 5]
    assert family["on_tf_register"] is True and family["route"] == "case_management"
    journey.do(ref, "check_identified_family", "tf1", {"data_checked": True})  # the TF team's alert

    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    assert journey.family(ref, as_="cm1")["case_manager"] == "cm1"
    journey.do(ref, "assess", "cm1", {"assessed_on": "2027-03-01", "all_members_included": True,
                                      "summary": "Whole family assessed."})
    journey.do(ref, "plan", "cm1", {"agreed_on": "2027-03-01", "review_date": "2027-06-01",
                                    "targets": journey.plan_targets(ref, people)})
    review = journey.task(ref, "review", "cm1")
    assert review["assignee"] == "cm1" and review["due_at"] == "2027-06-01T16:00:00+00:00"  # team cadence 3 months
    progress = [{"person_id": people[1]["person_id"], "indicator": 7, "status": "on_track", "evidence": "93%"}]
    journey.travel("P1M")
    journey.do(ref, "review", "cm1", {"reviewed_on": "2027-04-01", "progress": progress, "ready_to_close": False,
                                      "review_date": "2027-07-01", "next_steps": "Keep going."})
    assert journey.task(ref, "review", "cm1")["due_at"] == "2027-07-01T16:00:00+00:00"  # 17:00 BST
    journey.travel("P1M")
    journey.do(ref, "review", "cm1", {"reviewed_on": "2027-05-01", "progress": progress, "ready_to_close": True,
                                      "next_steps": "Close."})
    journey.closure_summary(ref, people, (22, 7))
    journey.do(ref, "approve_closure", "tm1", {"decision": "return", "reasons": "Add the attendance evidence."})
    assert [t["bpmn_id"] for t in journey.family(ref)["open_tasks"]] == ["write_closure"]
    journey.closure_summary(ref, people, (22, 7))
    journey.approve(ref)

    family = journey.family(ref)
    assert family["status"] == "closed" and family["closure_approved_at"]
    assert {(o["indicator"], o["status"], o["sustained_at"]) for o in family["outcomes"]} == {
        (22, "running", "2027-11-01T00:00:00+00:00"),  # 6 months from closure
        (7, "running", "2028-07-21T23:00:00+00:00"),  # 3 whole school terms from closure
    }
    journey.travel("P7M")
    assert [o["status"] for o in journey.family(ref)["outcomes"]] == ["sustained", "running"]
    journey.travel("P9M")
    assert [o["status"] for o in journey.family(ref)["outcomes"]] == ["sustained", "sustained"]

    window = journey.claim_window("2028 December", "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00")
    assert journey.window(window["id"])["pool"] == []  # nothing before the local cut-off
    journey.travel("P3M")  # 1 December 2028, after the cut-off
    detail = journey.window(window["id"])
    assert detail["status"] == "auditing"
    assert [(p["family_ref"], p["claim_type"], p["sampled"]) for p in detail["pool"]] == [
        (ref, "sustained_progress", True)]  # ceil(25% of 1) = 1
    assert [t["bpmn_id"] for t in journey.family(ref, as_="tf1")["open_tasks"]] == ["audit_stage_1"]
    journey.audit(ref, 1)
    journey.audit(ref, 2, refer_to_stage_3=False)
    detail = journey.window(window["id"])
    assert [c["state"] for c in detail["batch"]] == ["batched"]
    journey.submit_batch(detail)

    family = journey.family(ref)
    assert family["claim"]["state"] == "submitted" and family["claim"]["claim_type"] == "sustained_progress"
    assert family["audits"][0]["stages"]["1"]["result"] == "pass"
    assert family["audits"][0]["stages"]["2"]["result"] == "pass"
    assert journey.instance(referral["instance_id"])["status"] == "completed"  # claimed: the journey ends
    assert journey.instance(detail["instance_id"])["status"] == "completed"
    assert journey.window(window["id"])["status"] == "closed"

    claim_id = family["claim"]["id"]
    paid = journey.ok(journey.api.post(f"/api/v1/claims/{claim_id}/paid", as_="tf1"))
    assert paid["state"] == "paid" and paid["paid_at"]
    assert journey.family(ref)["claim"]["state"] == "paid"
    csv_text = journey.api.get(f"/api/v1/claim-windows/{window['id']}/claim-file.csv", as_="tf1").get_data(True)
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("family_ref,attached_on,claim_type")
    assert lines[1] == f"{ref},2027-03-01,sustained_progress,2 5,22:sustained 7:sustained,2028-07-22,pass,pass,,paid"
