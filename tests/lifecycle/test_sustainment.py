"""Sustainment windows: broken by a re-referral or a social-care escalation while running; untouched after."""

from __future__ import annotations

from tests.fixtures.lifecycle import Journey


def test_re_referral_during_a_window_breaks_it_and_the_family_is_not_claimed(journey: Journey) -> None:
    first = journey.refer()
    ref = journey.close_approved(first)
    journey.travel("P1M")
    second = journey.refer()
    assert second["family_ref"] != ref  # provisional until triage decides
    triage = journey.task(second["family_ref"], "triage_referral", "ehu1")
    assert triage is not None
    journey.triage(second["family_ref"], second["people"], match=ref, route="no_further_action", indicators=(7,))

    family = journey.family(ref)
    assert [(o["indicator"], o["status"]) for o in family["outcomes"]] == [(22, "broken"), (7, "broken")]
    assert family["outcomes"][0]["reason"] == f"re-referred: {second['referral_ref']}"
    assert [r["ref"] for r in family["referrals"]] == [first["referral_ref"], second["referral_ref"]]
    assert len(family["household"]) == 4  # the second referral's people joined the known family
    merged = journey.family(second["family_ref"])
    assert merged["status"] == "merged" and merged["merged_into"] == ref
    assert journey.instance(first["instance_id"])["status"] == "completed"  # not claimable: the journey ends
    window = journey.claim_window("W", "2029-01-01T00:00:00+00:00", "2029-01-31T00:00:00+00:00")
    journey.travel("P24M")
    assert journey.window(window["id"])["pool"] == []


def test_social_care_escalation_breaks_a_running_window(journey: Journey) -> None:
    first = journey.refer()
    ref = journey.close_approved(first)
    response = journey.api.post("/api/v1/messages", as_="tm1", json={
        "name": "social_care_escalation", "correlation": {"family_ref": ref},
        "payload": {"family_ref": ref, "reason": "Section 47 enquiry", "on": "2027-05-02"}})
    assert response.status_code == 200 and response.get_json()["delivered"] == 1
    assert journey.instance(first["instance_id"])["status"] == "completed"
    outcomes = journey.family(ref)["outcomes"]
    assert {o["status"] for o in outcomes} == {"broken"}
    assert outcomes[0]["reason"] == "escalated to social care: Section 47 enquiry"


def test_a_re_referral_after_the_windows_ended_changes_nothing(journey: Journey) -> None:
    first = journey.refer()
    ref = journey.close_approved(first)
    journey.travel("P18M")  # both windows sustained: the journey waits for a claim window
    assert {o["status"] for o in journey.family(ref)["outcomes"]} == {"sustained"}
    second = journey.refer()
    journey.triage(second["family_ref"], second["people"], match=ref, route="no_further_action", indicators=(7,))
    assert {o["status"] for o in journey.family(ref)["outcomes"]} == {"sustained"}
    assert journey.instance(first["instance_id"])["status"] == "active"  # still waiting to be claimed


def test_a_match_that_names_no_known_family_is_refused_and_triage_stays_open(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    task = journey.task(ref, "triage_referral", "ehu1")
    for match in ("F-2027-999999", ref):  # unknown, and the referral's own provisional family
        response = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="ehu1", json={"data": {
            "match": match, "route": "no_further_action",
            "indicators": [{"person_id": people[1]["person_id"], "indicator": 7, "evidence": "seen"}]}})
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["error"]["details"] == {"match": [
            f"No known family has the reference {match}: enter new, or the reference of the matching family"]}
    family = journey.family(ref)
    assert family["status"] == "provisional"
    assert [t["bpmn_id"] for t in family["open_tasks"]] == ["triage_referral"]
