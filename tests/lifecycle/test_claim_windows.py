"""Claim windows: pools at the local cut-off, the reproducible Stage 2 sample, audit outcomes, one claim
per family, and an Earned Autonomy council that claims nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from tests.fixtures.lifecycle import Journey
from web.extensions import db
from workflows.models import Claim, Family
from workflows.rules import redraw_audit_sample

CUTOFF, CLOSES = "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00"


def ready_families(journey: Journey, count: int) -> list[str]:
    """Families closed with approval on 1 April 2027 (one review), all outcomes sustained by mid 2028."""
    referrals = [journey.refer() for _ in range(count)]
    refs = [journey.close_approved(r) for r in referrals]
    return refs


def test_stage_2_sample_is_a_quarter_of_the_pool_and_can_be_drawn_again(journey: Journey) -> None:
    refs = ready_families(journey, 5)
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    detail = journey.window(window["id"])
    sample = detail["sample"]
    assert sample["pool"] == sorted(refs) and [p["family_ref"] for p in detail["pool"]] == sorted(refs)
    assert len(sample["picks"]) == 2  # ceil(25% of 5)
    assert redraw_audit_sample(sample["pool"], sample["seed"]) == sample["picks"]
    assert {p["family_ref"] for p in detail["pool"] if p["sampled"]} == set(sample["picks"])
    history = journey.ok(journey.api.get(f"/api/v1/instances/{window['instance_id']}/history", as_="admin"))
    drawn = [e for e in history["items"] if e["kind"] == "audit_sample_drawn"]
    assert [e["data"] for e in drawn] == [sample]  # seed, pool and picks in the window's own history
    for ref in refs:
        journey.audit(ref, 1)
    for ref in sample["picks"]:
        journey.audit(ref, 2, refer_to_stage_3=False)
    journey.submit_batch(journey.window(window["id"]))
    assert sorted(c["family_ref"] for c in journey.window(window["id"])["batch"]) == sorted(refs)


def _one_family_window(journey: Journey) -> tuple[str, dict[str, Any]]:
    (ref,) = ready_families(journey, 1)
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    journey.audit(ref, 1)
    return ref, window


def test_stage_3_when_stage_2_refers(journey: Journey) -> None:
    ref, window = _one_family_window(journey)
    journey.audit(ref, 2, refer_to_stage_3=True)
    assert [t["bpmn_id"] for t in journey.family(ref, as_="co1")["open_tasks"]] == [
        "check_identified_family", "audit_stage_3"]
    journey.audit(ref, 3)
    stages = journey.family(ref)["audits"][0]["stages"]
    assert [stages[s]["result"] for s in ("1", "2", "3")] == ["pass", "pass", "pass"]
    journey.submit_batch(journey.window(window["id"]))
    assert journey.family(ref)["claim"]["state"] == "submitted"


def test_stage_2_fail_is_not_claimed_in_this_window_but_may_be_in_a_later_one(journey: Journey) -> None:
    ref, window = _one_family_window(journey)
    journey.audit(ref, 2, result="fail", refer_to_stage_3=False)
    detail = journey.window(window["id"])
    assert detail["batch"] == [] and detail["status"] == "closed"
    assert detail["pool"][0]["outcome"] == "failed"
    assert detail["pool"][0]["stages"]["2"]["reasons"] == "Evidence missing."
    assert journey.family(ref)["claim"] is None
    later = journey.claim_window("2029 March", "2029-03-01T00:00:00+00:00", "2029-03-31T00:00:00+01:00")
    journey.travel("P3M")
    assert [p["family_ref"] for p in journey.window(later["id"])["pool"]] == [ref]


def test_stage_1_fail_stays_in_the_pool_for_the_next_window(journey: Journey) -> None:
    (ref,) = ready_families(journey, 1)
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    journey.audit(ref, 1, result="fail")
    assert journey.window(window["id"])["status"] == "closed"
    later = journey.claim_window("2029 March", "2029-03-01T00:00:00+00:00", "2029-03-31T00:00:00+01:00")
    journey.travel("P3M")
    assert [p["family_ref"] for p in journey.window(later["id"])["pool"]] == [ref]


def test_two_families_in_one_window_and_one_that_misses_the_cut_off_joins_the_next(journey: Journey) -> None:
    early = ready_families(journey, 2)
    journey.travel("P6M")  # closed 1 November 2027: 3 terms from spring 2028 end with the 2028 autumn term
    late = journey.close_approved(journey.refer())
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P13M")
    detail = journey.window(window["id"])
    assert [p["family_ref"] for p in detail["pool"]] == sorted(early)
    assert late not in detail["sample"]["pool"]
    later = journey.claim_window("2029 March", "2029-03-01T00:00:00+00:00", "2029-03-31T00:00:00+01:00")
    journey.travel("P3M")
    assert [p["family_ref"] for p in journey.window(later["id"])["pool"]] == [late]


def test_a_family_is_claimed_at_most_once(journey: Journey) -> None:
    ref, window = _one_family_window(journey)
    journey.audit(ref, 2, refer_to_stage_3=False)
    journey.submit_batch(journey.window(window["id"]))
    claim = journey.family(ref)["claim"]
    refused = journey.api.post(f"/api/v1/claims/{claim['id']}/invalidate", as_="tf1", json={})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "validation_failed"
    assert journey.family(ref)["claim"]["state"] == "submitted"  # nothing written
    invalid = journey.ok(journey.api.post(f"/api/v1/claims/{claim['id']}/invalidate", as_="tf1",
                                          json={"reason": "Spot check: attendance evidence forged"}))
    assert invalid["state"] == "invalidated" and invalid["invalid_reason"].startswith("Spot check")
    again = journey.api.post(f"/api/v1/claims/{claim['id']}/paid", as_="tf1")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "claim_state"
    later = journey.claim_window("2029 March", "2029-03-01T00:00:00+00:00", "2029-03-31T00:00:00+01:00")
    journey.travel("P3M")
    assert journey.window(later["id"])["pool"] == []  # invalidated never makes it claimable by itself
    family = db.session.query(Family).filter_by(ref=ref).one()
    db.session.add(Claim(family_id=family.id, window_id=window["id"], claim_type="sustained_progress",
                         state="batched", batched_at=family.created_at))
    with pytest.raises(IntegrityError):  # the database refuses a second claim whatever the code does
        db.session.commit()
    db.session.rollback()
    assert db.session.query(Claim).count() == 1


def test_paid_and_invalidate_are_for_the_tf_team_only(journey: Journey) -> None:
    ref, window = _one_family_window(journey)
    journey.audit(ref, 2, refer_to_stage_3=False)
    claim = journey.family(ref)["claim"]
    early = journey.api.post(f"/api/v1/claims/{claim['id']}/paid", as_="tf1")  # batched, not yet submitted
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "claim_state"
    for user, status, code in (("cm1", 404, "not_found"), ("pm1", 403, "forbidden")):
        response = journey.api.post(f"/api/v1/claims/{claim['id']}/paid", as_=user)
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    assert journey.family(ref)["claim"]["state"] == "batched"


def test_an_earned_autonomy_council_records_outcomes_and_makes_no_claim(journey: Journey) -> None:
    journey.ok(journey.api.put("/api/v1/admin/settings", as_="admin", json={"earned_autonomy": True}))
    referral = journey.refer()
    ref = journey.close_approved(referral)
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    family = journey.family(ref)
    assert {o["status"] for o in family["outcomes"]} == {"sustained"} and family["claim"] is None
    assert journey.instance(referral["instance_id"])["status"] == "completed"  # outcomes recorded, no claim
    assert journey.window(window["id"])["pool"] == []
    assert journey.window(window["id"])["status"] == "closed"
