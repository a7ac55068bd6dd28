"""Operations after a setback (docs/sources/DOMAIN.md's defaults): a broken window, a Stage 1 audit fail.

A broken window while the family is open goes to the lead professional to record renewed progress,
which restarts the window from the new anchor; a family that was closed gets no task (its re-referral
goes to triage as usual) and cannot be claimed until progress is re-established. A Stage 1 fail goes
to the lead professional for evidence, or to the TF team when the family is closed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.steps import StepContext
from workflows.access import Role
from workflows.models import Family, Outcome, WindowFamily
from workflows.operations.common import DomainError, family_by_ref, param
from workflows.rules import sustained_at

# Route -> the group that leads; plain strings, because they go into the workflow data.
_ROUTE_GROUPS = {"parenting_family_team": Role.PARENTING_FAMILY_TEAM.value,
                 "signpost_internal": Role.EARLY_HELP_UNIT.value, "signpost_external": Role.EARLY_HELP_UNIT.value}
_CASE_MANAGER = Role.CASE_MANAGER.value


def lead_professional(family: Family) -> dict[str, Any]:
    """Who leads the work with an open family: its case manager (in their team) once allocated; else the
    route's group (the team's case managers before allocation, the PFT, the EHU for signposting)."""
    if family.case_manager:
        return {"group": _CASE_MANAGER, "assignee": family.case_manager, "team": family.team_id}
    group = _ROUTE_GROUPS.get(family.route or "", _CASE_MANAGER)
    return {"group": group, "assignee": None, "team": family.team_id if group == _CASE_MANAGER else None}


def broken_window(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """Is the family open, and who leads? ``status_before`` is the family's status before the referral
    that broke the window (triage reopens a matched family before telling its journey)."""
    family = family_by_ref(ctx.session, param(params, "family_ref"))
    status = params.get("status_before") or family.status
    return {"open": status == "open", "lead": lead_professional(family)}


def restart_outcome(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """Renewed progress on a broken outcome: running again, its window counted from ``renewed_on``.
    Not renewed: the outcome stays broken (``sustained_at`` None)."""
    row = ctx.session.get(Outcome, int(param(params, "outcome_id")))
    renewal = param(params, "renewal")
    if row is None or row.status != "broken":
        raise DomainError(f"outcome {params.get('outcome_id')!r} is not broken")
    if not renewal.get("renewed"):
        return {"outcome_id": row.id, "sustained_at": None}
    family = ctx.session.get(Family, row.family_id)
    assert family is not None
    alternative = params.get("alternative")
    due = sustained_at(family.framework, row.indicator, 0 if alternative is None else alternative,
                       renewal["renewed_on"])
    ctx.record("outcome_renewed", data={"outcome_id": row.id, "broken": row.reason, "anchor_date": row.anchor_date,
                                        "renewed_on": renewal["renewed_on"], "sustained_at": due})
    row.anchor_date, row.reason, row.updated_at = renewal["renewed_on"], None, ctx.now
    row.sustained_at = datetime.fromisoformat(due) if due else None
    row.status = "running" if due else "awaiting_decision"
    return {"outcome_id": row.id, "sustained_at": due, "alternative": alternative}


def evidence_lead(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """Who provides the evidence a Stage 1 audit found missing: the lead professional while the family is
    open, the TF team once it is closed."""
    family = family_by_ref(ctx.session, param(params, "family_ref"))
    if family.status == "open":
        return {"open": True, "lead": lead_professional(family)}
    return {"open": False, "lead": {"group": Role.TF_TEAM.value, "assignee": None, "team": None}}


def record_audit_evidence(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """The evidence, beside the failed Stage 1 result it answers; the family is audited again in a
    later window (it stays claimable: a Stage 1 fail never takes it out of the pool for good)."""
    family = family_by_ref(ctx.session, param(params, "family_ref"))
    window_id, evidence = int(param(params, "window_id")), param(params, "evidence")
    row = ctx.session.get(WindowFamily, (window_id, family.id))
    if row is None or "1" not in row.audits:
        raise DomainError(f"{family.ref} has no Stage 1 result in window {window_id}")
    stage_1 = {**row.audits["1"], "evidence": {**evidence, "by": ctx.actor.username, "at": ctx.now.isoformat()}}
    row.audits = {**row.audits, "1": stage_1}
    return {"window_id": window_id, "family_ref": family.ref}
