"""Why a family in a claim window's pool is, or is not, claimable: every reason, in words for the TF team.

Pure: it reads the rows it is given (transient ORM objects will do) and never a database, so each reason
has a unit test. The outcome rule is docs/sources/DOMAIN.md's default pool rule, the one ``open_claim_pool`` applies at
the cut-off (workflows/operations/claims.py); a test checks both agree. Applied now, it also tells the team what
changed since the pool was drawn (a window broken after the cut-off, an audit failed, a claim invalidated).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from workflows.models import Claim, Outcome, WindowFamily
from workflows.operations.common import LONDON, current_progress


class Code(StrEnum):
    """Each reason once. The first group blocks a claim; the second says where a claimable family stands."""

    NOT_ON_REGISTER = "not_on_register"
    INVALIDATED = "invalidated"
    CLAIMED_ELSEWHERE = "claimed_elsewhere"
    AUDIT_FAILED = "audit_failed"
    NOT_BATCHED = "not_batched"
    CLOSURE_NOT_APPROVED = "closure_not_approved"
    NO_OUTCOMES = "no_outcomes"
    OUTCOME_BROKEN = "outcome_broken"
    OUTCOME_NOT_ACHIEVED = "outcome_not_achieved"
    OUTCOME_AWAITING_DECISION = "outcome_awaiting_decision"
    NOT_SUSTAINED = "not_sustained"
    SUSTAINED_AFTER_CUTOFF = "sustained_after_cutoff"
    # Not blocking:
    IN_BATCH = "in_batch"
    AWAITING_AUDIT = "awaiting_audit"
    AUDITED = "audited"


@dataclass(frozen=True)
class Reason:
    code: Code
    text: str
    blocks: bool


@dataclass(frozen=True)
class Verdict:
    claimable: bool
    route: str | None  # sustained_progress, continuous_employment, or None when the outcomes do not allow one
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Facts:
    """What is known about one family for one window."""

    window_id: int
    window_status: str  # scheduled, auditing, submitted, closed
    cutoff: datetime
    on_register: bool
    closure_approved_at: datetime | None
    outcomes: Sequence[Outcome]
    pooled: WindowFamily | None = None
    claim: Claim | None = None  # the family's one claim, in any window
    claim_window_name: str | None = None  # the name of that claim's window
    open_stage: int | None = None  # an audit stage whose task is open now


def day(moment: datetime) -> str:
    """``1 December 2028``: the London day (a window that ends at 00:00 London is a UTC day early in summer)."""
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%B %Y}"


def ready(outcome: Outcome, cutoff: datetime) -> bool:
    """Sustained (or due to be, without a break) by the cut-off: the pool rule of ``open_claim_pool``."""
    return outcome.status in ("running", "sustained") and outcome.sustained_at is not None \
        and outcome.sustained_at <= cutoff


def route(facts: Facts) -> str | None:
    if any(o.kind == "continuous_employment" and ready(o, facts.cutoff) for o in facts.outcomes):
        return "continuous_employment"
    progress = current_progress(list(facts.outcomes))
    approved = facts.closure_approved_at is not None and facts.closure_approved_at <= facts.cutoff
    if approved and progress and all(ready(o, facts.cutoff) for o in progress):
        return "sustained_progress"
    return None


def _outcome_reasons(facts: Facts) -> list[Reason]:
    progress = current_progress(list(facts.outcomes))
    if not progress:
        return [Reason(Code.NO_OUTCOMES, "No outcomes recorded for an action plan", True)]
    out: list[Reason] = []
    if facts.closure_approved_at is None or facts.closure_approved_at > facts.cutoff:
        out.append(Reason(Code.CLOSURE_NOT_APPROVED, "Closure not approved by the cut-off", True))
    for o in sorted(progress, key=lambda o: (o.indicator, o.id or 0)):
        label = f"Indicator {o.indicator}"
        if o.status == "broken":
            why = f": {o.reason}" if o.reason else ""
            out.append(Reason(Code.OUTCOME_BROKEN, f"{label}: sustainment window broken{why}", True))
        elif o.status == "not_achieved":
            out.append(Reason(Code.OUTCOME_NOT_ACHIEVED, f"{label}: outcome not achieved", True))
        elif o.status == "awaiting_decision":
            out.append(Reason(Code.OUTCOME_AWAITING_DECISION,
                              f"{label}: waiting for a decision on how long it must be sustained", True))
        elif o.sustained_at is None:
            out.append(Reason(Code.NOT_SUSTAINED, f"{label}: not sustained yet", True))
        elif o.sustained_at > facts.cutoff:
            out.append(Reason(Code.SUSTAINED_AFTER_CUTOFF,
                              f"{label}: sustained on {day(o.sustained_at)}, after the cut-off", True))
    return out


def _claim_reasons(facts: Facts) -> list[Reason]:
    claim = facts.claim
    if claim is None:
        return []
    if claim.state == "invalidated":
        when = f" on {day(claim.invalidated_at)}" if claim.invalidated_at else ""
        why = f": {claim.invalid_reason}" if claim.invalid_reason else ""
        return [Reason(Code.INVALIDATED, f"Claim invalidated{when}{why}. A family is claimed at most once", True)]
    if claim.window_id != facts.window_id:
        where = facts.claim_window_name or "another window"
        return [Reason(Code.CLAIMED_ELSEWHERE, f"Already claimed in {where} ({claim.state})", True)]
    return [Reason(Code.IN_BATCH, f"In this window's batch: claim {claim.state}", False)]


def _audit_reasons(facts: Facts) -> list[Reason]:
    pooled = facts.pooled
    if pooled is None:
        return []
    out: list[Reason] = []
    for stage in ("1", "2", "3"):
        result = pooled.audits.get(stage) or {}
        if result.get("result") == "fail":
            later = ("it stays in the pool for the next window" if stage == "1"
                     else "it may be audited again in a later window once the evidence is corrected")
            why = f" Reasons: {result['reasons']}" if result.get("reasons") else ""
            out.append(Reason(Code.AUDIT_FAILED, f"Failed the Stage {stage} audit: {later}.{why}", True))
    if out or facts.claim is not None:
        return out
    awaiting = [n for n, needed in ((1, True), (2, pooled.sampled), (3, facts.open_stage == 3))
                if needed and str(n) not in pooled.audits]
    if facts.window_status in ("submitted", "closed"):
        return [Reason(Code.NOT_BATCHED, "Not in this window's batch", True)]
    if awaiting:
        return [Reason(Code.AWAITING_AUDIT, f"Waiting for the Stage {awaiting[0]} audit", False)]
    return [Reason(Code.AUDITED, "Audits passed: it joins the batch", False)]


def assess(facts: Facts) -> Verdict:
    """Every reason that applies, blocking ones first; claimable when none blocks."""
    reasons: list[Reason] = []
    if not facts.on_register:
        reasons.append(Reason(Code.NOT_ON_REGISTER, "Not on the Troubled Families register", True))
    reasons += _claim_reasons(facts)
    reasons += _audit_reasons(facts)
    claim_route = route(facts)
    if claim_route is None:
        reasons += _outcome_reasons(facts)
    reasons.sort(key=lambda r: not r.blocks)
    return Verdict(claimable=not any(r.blocks for r in reasons), route=claim_route, reasons=tuple(reasons))
