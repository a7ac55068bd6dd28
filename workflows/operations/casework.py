"""Operations of the work with the family: allocation, review cadence, closure, outcome windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from engine.steps import StepContext
from workflows.frameworks import load_framework
from workflows.models import Claim, Outcome, Referral
from workflows.operations.common import (
    LONDON,
    DomainError,
    add_months,
    current_progress,
    earned_autonomy,
    family_by_ref,
    london_day,
    param,
    review_months,
    setting,
)
from workflows.operations.escalation import escalation
from workflows.rules import sustained_at

# Closure sign-off settings: on by default, as guidance 13f asks a manager to check the closure summary.
SIGN_OFF_DEFAULTS: dict[str, Any] = {"pft_closure_sign_off": True}

# Anchors the closure record cannot date (last offence, release, ...) fall back to the closure date:
# the lead professional records the exact date in the evidence; the window is never shorter than that.
_CLOSURE_ANCHORS = {"closure", "step_down", "last_offence", "last_asb_report", "release", "participation_start",
                    "employment_start"}


def record_allocation(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    family = family_by_ref(ctx.session, param(params, "family_ref"))
    allocation = param(params, "allocation")
    family.case_manager = allocation["case_manager"]
    family.team_id = allocation.get("team") or family.team_id
    return {"case_manager": family.case_manager, "team": family.team_id}


def next_review(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """When the next review is due: 17:00 London (the end of a working day) on ``review_date``, the date
    the plan or review form accepted (within the team's cadence, or later with a reason); without one,
    or with a stale one already past, the day the team's cadence (3 or 4 months, month ends clamped)
    after today."""
    team = params.get("team")
    cadence = review_months(ctx.session, team)
    given = date.fromisoformat(str(params["review_date"])) if params.get("review_date") else None
    today = ctx.now.astimezone(LONDON).date()
    # The forms refuse a past date; one still past here is stale (a path that set no new date).
    day = given if given is not None and given >= today else add_months(ctx.now, cadence).astimezone(LONDON).date()
    due = datetime.combine(day, time(17, 0), tzinfo=LONDON).astimezone(UTC).isoformat()
    # ``escalation_setting`` names the council setting of the group an overdue review goes to (the PFT's);
    # case management's goes to its team manager lane, and takes only the escalated task's due date.
    return {"due_at": due, "months": cadence,
            "escalation": escalation(ctx.session, params.get("escalation_setting"), due, team)}


def close_family(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """Closure approved (or the route needs none): the family is closed on the given day.

    ``open_elsewhere``: the family was open on another journey when this one matched it (a re-referral
    routed to signposting or no further action); that journey closes it, not this one.
    """
    family = family_by_ref(ctx.session, param(params, "family_ref"))
    if params.get("open_elsewhere"):
        return {"family_ref": family.ref, "closed_on": None, "open_elsewhere": True}
    family.status = "closed"
    family.closed_on = params.get("closed_on") or london_day(ctx.now)
    if params.get("approved"):
        family.closure_approved_at = ctx.now
        if params.get("approval"):
            # Who approved it goes in the family's history: a Parenting and Family Team manager, or no one
            # ("automatic") when the council has turned the PFT's sign-off off.
            ctx.record("closure_approved", data={"family_ref": family.ref, "approval": str(params["approval"])})
    return {"family_ref": family.ref, "closed_on": family.closed_on}


def closure_sign_off(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """Whether a manager signs the closure off (guidance 13f), from the council setting ``setting`` names;
    read when the closure is written, so a change applies to the next closure, never one awaiting approval."""
    key = str(param(params, "setting"))
    return {"required": bool(setting(ctx.session, key, SIGN_OFF_DEFAULTS[key]))}


def open_outcomes(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """One sustainment window per achieved outcome, dated from the FOP; ``windows`` feeds the timers.

    An outcome not achieved, or whose window a named person decides (``none``), gets no timer and keeps
    the family out of the claim pool until someone records it.
    """
    family = family_by_ref(ctx.session, param(params, "family_ref"))
    closed_on = family.closed_on or london_day(ctx.now)
    received = ctx.session.scalar(
        select(Referral.received_at).where(Referral.family_id == family.id).order_by(Referral.id).limit(1))
    framework = load_framework(family.framework)
    windows = []
    for item in params.get("outcomes") or []:
        indicator = int(item["indicator"])
        anchor = framework.indicator(indicator).alternative(0).anchor
        anchor_day = london_day(received) if anchor == "referral" and received else closed_on
        due = sustained_at(family.framework, indicator, 0, anchor_day) if item.get("achieved") else None
        status = "running" if due else ("not_achieved" if not item.get("achieved") else "awaiting_decision")
        row = Outcome(family_id=family.id, person_id=item["person_id"], indicator=indicator, anchor=anchor or "",
                      anchor_date=anchor_day, sustained_at=datetime.fromisoformat(due) if due else None,
                      status=status, updated_at=ctx.now)
        ctx.session.add(row)
        ctx.session.flush()
        if due:
            windows.append({"outcome_id": row.id, "indicator": indicator, "sustained_at": due})
    return {"windows": windows, "earned_autonomy": earned_autonomy(ctx.session)}


def mark_outcome(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """A window's end: ``sustained`` when its timer fires, ``broken`` when a message interrupts it."""
    row = ctx.session.get(Outcome, int(param(params, "outcome_id")))
    status = param(params, "status")
    if row is None or status not in ("sustained", "broken"):
        raise DomainError(f"cannot mark outcome {params.get('outcome_id')!r} {status!r}")
    if row.status == "running":  # a window already ended keeps its first ending
        row.status, row.reason, row.updated_at = status, params.get("reason"), ctx.now
    return {"outcome_id": row.id, "status": row.status}


def family_outcomes(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """After the windows: may the family be claimed (every outcome sustained, closure approved)?"""
    family = family_by_ref(ctx.session, param(params, "family_ref"))
    rows = list(ctx.session.scalars(select(Outcome).where(Outcome.family_id == family.id)))
    statuses = [o.status for o in current_progress(rows)]
    claimable = bool(family.eligible and family.closure_approved_at and statuses
                     and all(s == "sustained" for s in statuses))
    # Already claimed on continuous employment while open: the journey still waits for (or has been
    # kept) the claim window's message, so it ends as claimed.
    claimed = ctx.session.scalar(select(Claim.id).where(Claim.family_id == family.id)) is not None
    return {"claimable": claimable or claimed, "earned_autonomy": earned_autonomy(ctx.session)}


def record_employment(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """A verified move off benefit into work: its window (indicator 16) runs from ``off_benefit_on``,
    26 weeks off JSA, 13 weeks off the others; Universal Credit has no FOP window (a person decides)."""
    family = family_by_ref(ctx.session, param(params, "family_ref"))
    verification = param(params, "verification")
    if not verification.get("verified"):
        return {"outcome_id": None, "sustained_at": None}
    benefit = verification["benefit"]
    alternative = {"jsa": "off_jsa", "universal_credit": "tfea_agreed"}.get(benefit, "off_other_benefits")
    anchor_day = verification["off_benefit_on"]
    due = sustained_at(family.framework, 16, alternative, anchor_day)
    row = Outcome(family_id=family.id, person_id=verification["person_id"], indicator=16,
                  kind="continuous_employment", anchor="off_benefit", anchor_date=anchor_day,
                  sustained_at=datetime.fromisoformat(due) if due else None,
                  status="running" if due else "awaiting_decision", updated_at=ctx.now)
    ctx.session.add(row)
    ctx.session.flush()
    return {"outcome_id": row.id, "sustained_at": due, "alternative": alternative}
