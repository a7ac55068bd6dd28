"""The other routes out of triage: Parenting and Family Team, signposting, no further action, not eligible."""

from __future__ import annotations

from tests.fixtures.lifecycle import Journey


def test_parenting_family_team_through_to_sustained_outcomes(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, route="parenting_family_team")
    assert journey.family(ref, as_="pft1")["route"] == "parenting_family_team"  # an open PFT task: need to know
    journey.do(ref, "pft_plan", "pft1", {"intervention": "Weekly parenting sessions.", "agreed_on": "2027-03-01",
                                         "review_date": "2027-06-01",
                                         "targets": journey.plan_targets(ref, people)})
    journey.travel("P1M")
    journey.do(ref, "pft_review", "pft1", {"reviewed_on": "2027-04-01", "ready_to_close": True,
                                           "next_steps": "Close.", "progress": [
                                               {"person_id": people[1]["person_id"], "indicator": 7,
                                                "status": "achieved", "evidence": "Routine in place"}]})
    journey.do(ref, "pft_closure", "pft1", {"closed_on": "2027-04-01", "summary": "Done.", "evidence": "On file.",
                                            "outcomes": [{"person_id": people[0]["person_id"], "indicator": 22,
                                                          "achieved": True, "evidence": "No call-outs"},
                                                         {"person_id": people[1]["person_id"], "indicator": 7,
                                                          "achieved": False, "evidence": "Attendance 85%"}]})
    # The council's sign-off is on by default: a Parenting and Family Team manager approves (guidance 13f).
    journey.do(ref, "pft_approve_closure", "pftm1", {"decision": "approve", "evidence_checked": True})
    family = journey.family(ref, as_="pft1")  # they worked on it
    assert family["status"] == "closed"
    assert [(o["indicator"], o["status"]) for o in family["outcomes"]] == [(22, "running"), (7, "not_achieved")]
    journey.travel("P7M")
    assert [o["status"] for o in journey.family(ref)["outcomes"]] == ["sustained", "not_achieved"]


def test_signposting_outside_the_council_gathers_evidence(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    assert journey.family(ref, as_="ehu1")["status"] == "provisional"  # in triage: the unit sees it
    journey.triage(ref, people, route="signpost_external", signposted_to="Citizens Advice")
    journey.do(ref, "gather_signposting_evidence", "ehu1", {
        "contacted_on": "2027-03-01", "outcome_evidence": "Debt plan in place.",
        "outcomes_met": [{"person_id": people[0]["person_id"], "indicator": 22, "achieved": True,
                          "evidence": "Confirmed by the service"}]})
    family = journey.family(ref)
    assert family["route"] == "signpost_external" and family["status"] == "closed"
    assert [(o["indicator"], o["status"]) for o in family["outcomes"]] == [(22, "running")]
    # The unit led the signposted family (its outcomes are the unit's to gather): it still reads it.
    response = journey.api.get(f"/api/v1/families/{ref}", as_="ehu1")
    assert response.status_code == 200 and response.get_json()["ref"] == ref


def test_no_further_action_closes_without_outcomes(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, route="no_further_action", indicators=(7,))
    family = journey.family(ref)
    assert family["status"] == "closed" and family["route"] == "no_further_action"
    assert family["eligible"] is False and family["on_tf_register"] is False
    assert family["outcomes"] == [] and family["open_tasks"] == []
    assert journey.instance(referral["instance_id"])["status"] == "completed"


def test_not_eligible_with_one_headline_issue_is_never_claimed(journey: Journey) -> None:
    referral = journey.refer()
    ref = journey.close_approved(referral, indicators=(7,))
    family = journey.family(ref)
    assert family["eligible"] is False and family["headline_issues"] == [2]
    assert family["on_tf_register"] is False and family["outcomes"] == []
    assert journey.instance(referral["instance_id"])["status"] == "completed"
    window = journey.claim_window("W1", "2027-06-01T00:00:00+01:00", "2027-06-30T00:00:00+01:00")
    journey.travel("P2M")
    assert journey.window(window["id"])["pool"] == []
    # TF officers see only families on the register.
    response = journey.api.get(f"/api/v1/families/{ref}", as_="tf1")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
