"""Reading a family: everything held about its journey (who may read it: workflows/access.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from engine.models import HumanTask, TaskStatus
from workflows.access import family_tasks
from workflows.models import Claim, ClaimWindow, Family, Outcome, Person, Referral, TfRegister, WindowFamily


def family_view(session: Session, family: Family) -> dict[str, Any]:
    people = session.scalars(select(Person).where(Person.family_id == family.id).order_by(Person.id))
    referrals = session.scalars(select(Referral).where(Referral.family_id == family.id).order_by(Referral.id))
    outcomes = session.scalars(select(Outcome).where(Outcome.family_id == family.id).order_by(Outcome.id))
    claim = session.scalar(select(Claim).where(Claim.family_id == family.id))
    audits = session.execute(
        select(WindowFamily, ClaimWindow.name).join(ClaimWindow, ClaimWindow.id == WindowFamily.window_id)
        .where(WindowFamily.family_id == family.id).order_by(ClaimWindow.id)
    )
    tasks = session.scalars(
        select(HumanTask).where(exists().where(family_tasks(family.ref or "")), HumanTask.state == TaskStatus.OPEN)
        .order_by(HumanTask.created_at, HumanTask.id).limit(100)
    )
    return {
        "ref": family.ref, "status": family.status, "merged_into": family.merged_into,
        "district": family.district, "framework": family.framework, "route": family.route,
        "household": [{"person_id": p.person_id, "given_name": p.given_name, "family_name": p.family_name,
                       "date_of_birth": p.date_of_birth, "relationship": p.relationship, "role": p.role}
                      for p in people],
        "referrals": [{"ref": r.ref, "received_at": r.received_at.isoformat()} for r in referrals],
        "indicators": family.indicators, "headline_issues": family.headline_issues, "eligible": family.eligible,
        "on_tf_register": session.get(TfRegister, family.id) is not None,
        "team": family.team_id, "case_manager": family.case_manager, "closed_on": family.closed_on,
        "closure_approved_at": family.closure_approved_at.isoformat() if family.closure_approved_at else None,
        "outcomes": [outcome_view(o) for o in outcomes],
        "audits": [{"window": name, "sampled": row.sampled, "claim_type": row.claim_type, "stages": row.audits,
                    "outcome": row.outcome} for row, name in audits],
        "claim": claim_view(session, claim) if claim else None,
        "open_tasks": [{"id": t.id, "name": t.name, "bpmn_id": t.bpmn_id, "group": t.group_id, "team": t.team_id,
                        "assignee": t.assignee, "instance_id": t.instance_id, "process_id": t.process_id,
                        "due_at": t.due_at.isoformat() if t.due_at else None} for t in tasks],
    }


def is_known_family(session: Session, ref: str) -> bool:
    """A family a referral may be matched to: open or closed (a merged record is no longer one)."""
    return session.scalar(select(exists().where(Family.ref == ref, Family.status.in_(("open", "closed"))))) is True


def match_summaries(session: Session, refs: list[str]) -> list[dict[str, Any]]:
    """Triage's possible matches side by side: each known family's status, route and last activity (the
    latest task ended on it, else when it was registered)."""
    rows = []
    for family in session.scalars(select(Family).where(Family.ref.in_(refs)).order_by(Family.ref)):
        last = session.scalar(select(func.max(HumanTask.ended_at)).where(
            exists().where(family_tasks(family.ref or ""))))
        rows.append({"ref": family.ref, "status": family.status, "route": family.route,
                     "last_activity": last or family.created_at})
    return rows


def family_indicators(session: Session, ref: str) -> list[dict[str, Any]]:
    """The indicators recorded on the family (``[{person_id, indicator}]``): the plan form's identified
    indicators. None for an unknown reference."""
    found = session.scalar(select(Family.indicators).where(Family.ref == ref))
    return list(found or [])


def outcome_view(o: Outcome) -> dict[str, Any]:
    return {"id": o.id, "person_id": o.person_id, "indicator": o.indicator, "kind": o.kind, "anchor": o.anchor,
            "anchor_date": o.anchor_date, "sustained_at": o.sustained_at.isoformat() if o.sustained_at else None,
            "status": o.status, "reason": o.reason}


def claim_view(session: Session, claim: Claim) -> dict[str, Any]:
    family = session.get(Family, claim.family_id)
    window = session.get(ClaimWindow, claim.window_id)
    return {
        "id": claim.id, "family_ref": family.ref if family else None, "window": window.name if window else None,
        "claim_type": claim.claim_type, "state": claim.state,
        "batched_at": claim.batched_at.isoformat(),
        "submitted_at": claim.submitted_at.isoformat() if claim.submitted_at else None,
        "paid_at": claim.paid_at.isoformat() if claim.paid_at else None,
        "invalidated_at": claim.invalidated_at.isoformat() if claim.invalidated_at else None,
        "invalid_reason": claim.invalid_reason,
    }
