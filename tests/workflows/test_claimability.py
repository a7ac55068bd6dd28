"""Why a family in a pool is or is not claimable: one test per reason, on transient rows (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from workflows.models import Claim, Family, Outcome, WindowFamily
from workflows.operations.claims import _claim_type
from workflows.read.claimability import Code, Facts, assess, day, route

CUTOFF = datetime(2028, 12, 1, tzinfo=UTC)
CLOSED = datetime(2027, 4, 1, 9, tzinfo=UTC)
WINDOW = 7


SUSTAINED = datetime(2028, 7, 21, 23, tzinfo=UTC)


def outcome(n: int, *, id: int | None = None, kind: str = "progress", status: str = "sustained",
            sustained_at: datetime | None = SUSTAINED, reason: str | None = None) -> Outcome:
    return Outcome(id=id or n, family_id=1, person_id="P-1", indicator=n, kind=kind, anchor="closure",
                   anchor_date="2027-04-01", sustained_at=sustained_at, status=status, reason=reason)


def pooled(audits: dict[str, Any] | None = None, *, sampled: bool = False, outcome: str = "auditing") -> WindowFamily:
    return WindowFamily(window_id=WINDOW, family_id=1, claim_type="sustained_progress", sampled=sampled,
                        audits=audits or {}, outcome=outcome)


def claim(state: str = "batched", window_id: int = WINDOW, **extra: Any) -> Claim:
    return Claim(id=3, family_id=1, window_id=window_id, claim_type="sustained_progress", state=state,
                 batched_at=CUTOFF, **extra)


PASS = {"result": "pass"}
BASE = Facts(window_id=WINDOW, window_status="auditing", cutoff=CUTOFF, on_register=True, closure_approved_at=CLOSED,
             outcomes=[outcome(7), outcome(22)], pooled=pooled())


def codes(facts: Facts) -> list[Code]:
    return [r.code for r in assess(facts).reasons]


def test_a_family_waiting_for_its_stage_1_audit_is_claimable() -> None:
    verdict = assess(BASE)
    assert verdict.claimable and verdict.route == "sustained_progress"
    assert [(r.code, r.text) for r in verdict.reasons] == [(Code.AWAITING_AUDIT, "Waiting for the Stage 1 audit")]


def test_a_sampled_family_waits_for_stage_2_then_stage_3_when_it_is_open() -> None:
    sampled = replace(BASE, pooled=pooled({"1": PASS}, sampled=True))
    assert assess(sampled).reasons[0].text == "Waiting for the Stage 2 audit"
    stage_3 = replace(BASE, pooled=pooled({"1": PASS, "2": PASS}, sampled=True), open_stage=3)
    assert assess(stage_3).reasons[0].text == "Waiting for the Stage 3 audit"
    done = replace(BASE, pooled=pooled({"1": PASS, "2": PASS}, sampled=True))
    assert codes(done) == [Code.AUDITED] and assess(done).claimable


def test_in_the_batch_is_claimable_and_says_the_claim_state() -> None:
    verdict = assess(replace(BASE, pooled=pooled({"1": PASS}, outcome="batched"), claim=claim("submitted")))
    assert verdict.claimable
    assert [r.text for r in verdict.reasons] == ["In this window's batch: claim submitted"]


def test_not_on_the_register() -> None:
    verdict = assess(replace(BASE, on_register=False))
    assert not verdict.claimable
    assert verdict.reasons[0].code == Code.NOT_ON_REGISTER
    assert verdict.reasons[0].text == "Not on the Troubled Families register"


def test_an_invalidated_claim_blocks_for_good() -> None:
    gone = claim("invalidated", invalidated_at=datetime(2029, 6, 30, 23, 30, tzinfo=UTC),
                 invalid_reason="Attendance evidence forged")
    verdict = assess(replace(BASE, claim=gone, pooled=pooled({"1": PASS}, outcome="batched")))
    assert not verdict.claimable and codes(replace(BASE, claim=gone))[0] == Code.INVALIDATED
    assert verdict.reasons[0].text == ("Claim invalidated on 1 July 2029: Attendance evidence forged. "
                                       "A family is claimed at most once")


def test_already_claimed_in_another_window() -> None:
    verdict = assess(replace(BASE, claim=claim("paid", window_id=2), claim_window_name="2028 September"))
    assert not verdict.claimable
    assert verdict.reasons[0].text == "Already claimed in 2028 September (paid)"


@pytest.mark.parametrize(("stage", "later"), [
    ("1", "it stays in the pool for the next window"),
    ("2", "it may be audited again in a later window once the evidence is corrected"),
    ("3", "it may be audited again in a later window once the evidence is corrected"),
])
def test_a_failed_audit_stage(stage: str, later: str) -> None:
    audits = {s: PASS for s in "123" if s < stage} | {stage: {"result": "fail", "reasons": "Evidence missing."}}
    verdict = assess(replace(BASE, pooled=pooled(audits, sampled=True, outcome="failed")))
    assert not verdict.claimable
    assert [r.text for r in verdict.reasons] == [f"Failed the Stage {stage} audit: {later}. Reasons: Evidence missing."]


def test_a_closed_window_that_did_not_batch_the_family() -> None:
    verdict = assess(replace(BASE, window_status="closed", pooled=pooled({"1": PASS})))
    assert not verdict.claimable and codes(replace(BASE, window_status="closed")) == [Code.NOT_BATCHED]


def test_an_outcome_sustained_after_the_cut_off_is_a_date_in_the_future() -> None:
    late = outcome(7, sustained_at=datetime(2029, 1, 31, tzinfo=UTC))
    verdict = assess(replace(BASE, outcomes=[late, outcome(22)]))
    assert not verdict.claimable and verdict.route is None
    assert [(r.code, r.text) for r in verdict.reasons if r.blocks] == [
        (Code.SUSTAINED_AFTER_CUTOFF, "Indicator 7: sustained on 31 January 2029, after the cut-off")]


def test_an_outcome_not_sustained_yet() -> None:
    verdict = assess(replace(BASE, outcomes=[outcome(7, status="running", sustained_at=None), outcome(22)]))
    assert [r.text for r in verdict.reasons if r.blocks] == ["Indicator 7: not sustained yet"]


@pytest.mark.parametrize(("status", "text"), [
    ("broken", "Indicator 22: sustainment window broken: re-referred"),
    ("not_achieved", "Indicator 22: outcome not achieved"),
    ("awaiting_decision", "Indicator 22: waiting for a decision on how long it must be sustained"),
])
def test_an_outcome_that_is_not_sustained(status: str, text: str) -> None:
    bad = outcome(22, status=status, sustained_at=None, reason="re-referred" if status == "broken" else None)
    verdict = assess(replace(BASE, outcomes=[outcome(7), bad]))
    assert not verdict.claimable and [r.text for r in verdict.reasons if r.blocks] == [text]


def test_a_broken_window_renewed_by_a_later_outcome_no_longer_counts() -> None:
    renewed = [outcome(7), outcome(22, status="broken", sustained_at=None), outcome(22, id=30)]
    assert assess(replace(BASE, outcomes=renewed)).claimable


def test_closure_not_approved_by_the_cut_off() -> None:
    late = assess(replace(BASE, closure_approved_at=datetime(2028, 12, 2, tzinfo=UTC)))
    never = assess(replace(BASE, closure_approved_at=None))
    for verdict in (late, never):
        assert not verdict.claimable
        assert [r.code for r in verdict.reasons if r.blocks] == [Code.CLOSURE_NOT_APPROVED]


def test_no_outcomes() -> None:
    verdict = assess(replace(BASE, outcomes=[]))
    assert [r.text for r in verdict.reasons if r.blocks] == ["No outcomes recorded for an action plan"]


def test_continuous_employment_claims_while_the_family_is_open() -> None:
    employed = [outcome(16, kind="continuous_employment"), outcome(7, status="running", sustained_at=None)]
    verdict = assess(replace(BASE, closure_approved_at=None, outcomes=employed))
    assert verdict.claimable and verdict.route == "continuous_employment"


def test_several_reasons_are_all_given_blocking_first() -> None:
    facts = replace(BASE, on_register=False, outcomes=[outcome(7, status="not_achieved", sustained_at=None)])
    assert codes(facts) == [Code.NOT_ON_REGISTER, Code.OUTCOME_NOT_ACHIEVED, Code.AWAITING_AUDIT]


CASES = [
    [outcome(7), outcome(22)],
    [outcome(7, sustained_at=datetime(2029, 1, 1, tzinfo=UTC))],
    [outcome(7, status="broken", sustained_at=None)],
    [outcome(16, kind="continuous_employment")],
    [outcome(16, kind="continuous_employment", sustained_at=datetime(2029, 1, 1, tzinfo=UTC)), outcome(7)],
    [],
]


@pytest.mark.parametrize("outcomes", CASES)
@pytest.mark.parametrize("approved", [CLOSED, None])
def test_the_route_is_the_pool_rule_of_open_claim_pool(outcomes: list[Outcome], approved: datetime | None) -> None:
    family = Family(id=1, ref="F-2027-000001", district="ashfield", closure_approved_at=approved)
    facts = replace(BASE, outcomes=outcomes, closure_approved_at=approved)
    assert route(facts) == _claim_type(outcomes, family, CUTOFF)


def test_days_are_london_days() -> None:
    assert day(datetime(2028, 7, 21, 23, tzinfo=UTC)) == "22 July 2028"  # 00:00 BST on the 22nd
