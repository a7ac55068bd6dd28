"""Continuous employment while the case is open: verified by the TF team, a 26-week window, a claim."""

from __future__ import annotations

from tests.lifecycle.conftest import TEAM, Journey


def test_continuous_employment_claim_while_the_case_is_open(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    adult = people[0]["person_id"]
    journey.triage(ref, people, indicators=(16, 7))
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    payload = {"family_ref": ref, "person_id": adult, "benefit": "jsa", "off_benefit_on": "2027-03-01",
               "employment_started_on": "2027-03-01"}
    sent = journey.api.post("/api/v1/messages", as_="cm1", json={
        "name": "continuous_employment", "correlation": {"family_ref": ref}, "payload": payload})
    assert sent.status_code == 200 and sent.get_json()["delivered"] == 1
    journey.do(ref, "verify_employment", "tf1", {"person_id": adult, "benefit": "jsa", "verified": True,
                                                 "employment_started_on": "2027-03-01",
                                                 "off_benefit_on": "2027-03-01", "evidence": "DWP data match"})
    outcome = journey.family(ref)["outcomes"][0]
    assert (outcome["kind"], outcome["indicator"], outcome["status"]) == ("continuous_employment", 16, "running")
    assert outcome["sustained_at"] == "2027-08-29T23:00:00+00:00"  # 26 weeks on: 00:00 BST, Monday 30 August
    assert [t["bpmn_id"] for t in journey.family(ref)["open_tasks"]] == ["assess"]  # the case carries on

    window = journey.claim_window("2027 September", "2027-09-01T00:00:00+01:00", "2027-09-30T00:00:00+01:00")
    journey.travel("P6M")
    family = journey.family(ref)
    assert family["status"] == "open" and family["outcomes"][0]["status"] == "sustained"
    pool = journey.window(window["id"])["pool"]
    assert [(p["family_ref"], p["claim_type"]) for p in pool] == [(ref, "continuous_employment")]
    journey.audit(ref, 1)
    journey.audit(ref, 2, refer_to_stage_3=False)
    journey.submit_batch(journey.window(window["id"]))
    claim = journey.family(ref)["claim"]
    assert (claim["claim_type"], claim["state"]) == ("continuous_employment", "submitted")


def test_continuous_employment_from_someone_not_allowed_is_refused(journey: Journey) -> None:
    referral = journey.refer()
    ref = referral["family_ref"]
    journey.triage(ref, referral["people"])
    response = journey.api.post("/api/v1/messages", as_="ehu1", json={
        "name": "continuous_employment", "correlation": {"family_ref": ref}, "payload": {"family_ref": ref}})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert journey.family(ref)["outcomes"] == []
