"""Operations of a claim window: its pool, the Stage 2 sample, the audit results, the batch."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import exists, select

from engine.steps import StepContext
from workflows.models import Claim, ClaimWindow, Family, Outcome, TfRegister, WindowFamily
from workflows.operations.common import DomainError, current_progress, earned_autonomy, family_by_ref, param
from workflows.rules import draw_audit_sample


def register_claim_window(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    window = param(params, "window")
    row = ClaimWindow(
        name=window["name"], local_cutoff_at=datetime.fromisoformat(window["local_cutoff_at"]),
        closes_at=datetime.fromisoformat(window["closes_at"]), instance_id=ctx.instance.id, status="scheduled",
    )
    ctx.session.add(row)
    ctx.session.flush()
    return {"window_id": row.id, "name": row.name}


def _window(ctx: StepContext, params: dict[str, Any]) -> ClaimWindow:
    row = ctx.session.get(ClaimWindow, int(param(params, "window_id")))
    if row is None:
        raise DomainError(f"no claim window {params.get('window_id')!r}")
    return row


def _claim_type(outcomes: list[Outcome], family: Family, cutoff: datetime) -> str | None:
    """The claim a family is ready for at the cut-off, or None (docs/sources/DOMAIN.md's default pool rule)."""
    def ready(o: Outcome) -> bool:
        return o.status in ("running", "sustained") and o.sustained_at is not None and o.sustained_at <= cutoff
    if any(o.kind == "continuous_employment" and ready(o) for o in outcomes):
        return "continuous_employment"
    progress = current_progress(outcomes)
    if family.closure_approved_at and family.closure_approved_at <= cutoff and progress and all(map(ready, progress)):
        return "sustained_progress"
    return None


def open_claim_pool(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """The pool at the local cut-off and the Stage 2 sample: seed, sorted pool and picks recorded.

    Not yet claimed (a claim of any state, invalidated included, keeps a family out for good) and not in
    another window still auditing. An Earned Autonomy council makes no claims, so its pool is empty.
    """
    window = _window(ctx, params)
    window.status = "auditing"
    pool: dict[str, tuple[Family, str]] = {}
    if not earned_autonomy(ctx.session):
        busy = exists().where(WindowFamily.family_id == Family.id, WindowFamily.window_id == ClaimWindow.id,
                              ClaimWindow.status.in_(("auditing", "submitted")), ClaimWindow.id != window.id)
        candidates = ctx.session.scalars(
            select(Family).join(TfRegister, TfRegister.family_id == Family.id)
            .where(~exists().where(Claim.family_id == Family.id), ~busy).order_by(Family.id)
        )
        for family in candidates:
            outcomes = list(ctx.session.scalars(select(Outcome).where(Outcome.family_id == family.id)))
            claim_type = _claim_type(outcomes, family, window.local_cutoff_at)
            if claim_type and family.ref:
                pool[family.ref] = (family, claim_type)
    sample = draw_audit_sample(sorted(pool))
    picks = set(cast(list[str], sample["picks"]))
    for ref, (family, claim_type) in pool.items():
        ctx.session.add(WindowFamily(window_id=window.id, family_id=family.id, claim_type=claim_type,
                                     sampled=ref in picks, audits={}))
    window.sample = sample
    ctx.record("audit_sample_drawn", data=sample)
    # Each family's district rides with it into its audit, for the inbox's district column and filter.
    return {"pool": [{"family_ref": ref, "sampled": ref in picks, "district": pool[ref][0].district}
                     for ref in sorted(pool)], "sample": sample}


def record_audit(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    window = _window(ctx, params)
    family = family_by_ref(ctx.session, param(params, "family_ref"))
    stage, result = str(param(params, "stage")), param(params, "result")
    row = ctx.session.get(WindowFamily, (window.id, family.id))
    if row is None:
        raise DomainError(f"{family.ref} is not in the pool of {window.name}")
    row.audits = {**row.audits, stage: {"result": result["result"], "reasons": result.get("reasons"),
                                        "at": ctx.now.isoformat(), "by": ctx.actor.username}}
    if result["result"] == "fail":
        row.outcome = "failed"
    return {"stage": stage, "result": result["result"]}


def build_batch(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """Claims (``batched``) for every family that passed its audits. The unique constraint on
    ``claim.family_id`` is the last guard against a second claim; the pool already leaves them out."""
    window = _window(ctx, params)
    families = []
    rows = ctx.session.scalars(select(WindowFamily).where(WindowFamily.window_id == window.id,
                                                          WindowFamily.outcome == "auditing"))
    for row in rows:
        ctx.session.add(Claim(family_id=row.family_id, window_id=window.id, claim_type=row.claim_type,
                              state="batched", batched_at=ctx.now))
        row.outcome = "batched"
        family = ctx.session.get(Family, row.family_id)
        families.append(family.ref if family else None)
    ctx.session.flush()
    return {"families": sorted(f for f in families if f), "count": len(families)}


def submit_batch(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    window = _window(ctx, params)
    claims = list(ctx.session.scalars(select(Claim).where(Claim.window_id == window.id, Claim.state == "batched")))
    for claim in claims:
        claim.state, claim.submitted_at = "submitted", ctx.now
    window.status = "submitted"
    return {"submitted": len(claims)}


def close_claim_window(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    window = _window(ctx, params)
    window.status = "closed"
    return {"window_id": window.id, "status": window.status}
