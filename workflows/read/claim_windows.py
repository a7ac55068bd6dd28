"""Claim windows for the TF team's pages and the API: the windows, their pool with each family's verdict,
their batch of claims and the counts beside them.

The caller has already decided access (workflows/access.py). Each list is bounded by its caller's page or
limit; the pool's verdicts cost a few queries per page, each an index lookup on the page's family ids.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import HumanTask, HumanTaskField, TaskStatus
from workflows.models import Claim, ClaimWindow, Family, Outcome, TfRegister, WindowFamily
from workflows.read.claimability import Facts, Verdict, assess


@dataclass(frozen=True)
class WindowCounts:
    """Per window id: families pooled, sampled for Stage 2, failed an audit; claims batched."""

    pool: dict[int, int]
    sampled: dict[int, int]
    failed: dict[int, int]
    claims: dict[int, int]


@dataclass
class PoolRow:
    """A pooled family: its reference and district code, its pool row, why it is or is not claimable, its claim."""

    ref: str
    district: str | None
    pooled: WindowFamily
    verdict: Verdict
    claim: Claim | None


def claim_window(session: Session, window_id: int) -> ClaimWindow | None:
    return session.get(ClaimWindow, window_id)


def windows(session: Session, *, limit: int, newest_first: bool) -> list[ClaimWindow]:
    """Windows by local cut-off (then id), newest or oldest first."""
    order = (ClaimWindow.local_cutoff_at.desc(), ClaimWindow.id.desc()) if newest_first else (
        ClaimWindow.local_cutoff_at, ClaimWindow.id)
    return list(session.scalars(select(ClaimWindow).order_by(*order).limit(limit)))


def _counts(session: Session, column: Any, *where: Any) -> dict[int, int]:
    rows = session.execute(select(column, func.count()).where(*where).group_by(column))
    return {int(key): int(count) for key, count in rows}


def window_counts(session: Session, window_ids: Collection[int]) -> WindowCounts:
    pooled = WindowFamily.window_id.in_(window_ids)
    return WindowCounts(
        pool=_counts(session, WindowFamily.window_id, pooled),
        sampled=_counts(session, WindowFamily.window_id, pooled, WindowFamily.sampled.is_(True)),
        failed=_counts(session, WindowFamily.window_id, pooled, WindowFamily.outcome == "failed"),
        claims=_counts(session, Claim.window_id, Claim.window_id.in_(window_ids)),
    )


def pool_page(session: Session, window: ClaimWindow, page: int, page_size: int) -> tuple[list[PoolRow], int]:
    """One page of the pool (1-based), by reference, each family with its verdict; and the pool's size."""
    total = int(session.scalar(select(func.count()).where(WindowFamily.window_id == window.id)) or 0)
    rows = session.execute(select(WindowFamily, Family).join(Family, Family.id == WindowFamily.family_id)
                           .where(WindowFamily.window_id == window.id).order_by(Family.ref)
                           .offset((page - 1) * page_size).limit(page_size)).all()
    ids = [family.id for _, family in rows]
    refs = [family.ref for _, family in rows if family.ref]
    registered = set(session.scalars(select(TfRegister.family_id).where(TfRegister.family_id.in_(ids))))
    outcomes: dict[int, list[Outcome]] = {}
    for o in session.scalars(select(Outcome).where(Outcome.family_id.in_(ids)).order_by(Outcome.id)):
        outcomes.setdefault(o.family_id, []).append(o)
    claims = {c.family_id: c for c in session.scalars(select(Claim).where(Claim.family_id.in_(ids)))}
    names = {wid: name for wid, name in session.execute(select(ClaimWindow.id, ClaimWindow.name).where(
        ClaimWindow.id.in_({c.window_id for c in claims.values()})))}
    # Stage 3 is needed only when Stage 2 refers it: its open task says so.
    stage_3 = set(session.scalars(
        select(HumanTaskField.value).join(HumanTask, HumanTask.id == HumanTaskField.task_id)
        .where(HumanTask.instance_id == window.instance_id, HumanTask.state == TaskStatus.OPEN,
               HumanTask.bpmn_id == "audit_stage_3", HumanTaskField.name == "family_ref",
               HumanTaskField.value.in_(refs))))
    out = []
    for pooled, family in rows:
        claim = claims.get(family.id)
        facts = Facts(window_id=window.id, window_status=window.status, cutoff=window.local_cutoff_at,
                      on_register=family.id in registered, closure_approved_at=family.closure_approved_at,
                      outcomes=outcomes.get(family.id, []), pooled=pooled, claim=claim,
                      claim_window_name=names.get(claim.window_id) if claim else None,
                      open_stage=3 if family.ref in stage_3 else None)
        out.append(PoolRow(ref=family.ref or "", district=family.district, pooled=pooled,
                           verdict=assess(facts), claim=claim))
    return out, total


def pool(session: Session, window_id: int) -> Sequence[tuple[WindowFamily, str | None]]:
    """The whole pool with each family's reference, by reference."""
    return session.execute(select(WindowFamily, Family.ref).join(Family, Family.id == WindowFamily.family_id)
                           .where(WindowFamily.window_id == window_id).order_by(Family.ref)).all()


def batch(session: Session, window_id: int) -> list[Claim]:
    """The window's claims, oldest first."""
    return list(session.scalars(select(Claim).where(Claim.window_id == window_id).order_by(Claim.id)))


def batch_with_refs(session: Session, window_id: int, *, limit: int) -> Sequence[tuple[Claim, str | None]]:
    """The window's claims with each family's reference, by reference."""
    return session.execute(select(Claim, Family.ref).join(Family, Family.id == Claim.family_id)
                           .where(Claim.window_id == window_id).order_by(Family.ref).limit(limit)).all()


def batch_states(session: Session, window_id: int) -> dict[str, int]:
    """Every claim of the window counted by state, states in order."""
    return {state: int(n) for state, n in session.execute(
        select(Claim.state, func.count()).where(Claim.window_id == window_id).group_by(Claim.state)
        .order_by(Claim.state))}


def family_ref(session: Session, family_id: int) -> str | None:
    return session.scalar(select(Family.ref).where(Family.id == family_id))


def family_districts(session: Session, refs: Collection[str]) -> dict[str, str | None]:
    """The district code of each family named, by reference."""
    return {ref: district for ref, district in
            session.execute(select(Family.ref, Family.district).where(Family.ref.in_(refs))) if ref is not None}
