"""Identification after triage: indicators the whole-family assessment (or the Parenting and Family
Team's plan of intervention) confirms or finds join the family's identified indicators.

Practice guidance 13c screens families "at the point of assessment": a family with one headline issue at
triage and a second found at assessment is identified then, so it goes on the TF register (the journey
throws ``family_identified`` as triage does) and can be claimed once its outcomes are sustained.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete

from engine.steps import StepContext
from workflows.models import Family, TfRegister, TfRegisterIssue
from workflows.operations.common import LONDON, family_by_ref, param
from workflows.rules import eligibility


def merge_indicators(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``old`` then each row of ``new`` not already there, one row per person and indicator."""
    seen = {(i["person_id"], i["indicator"]) for i in old}
    merged = list(old)
    for row in new:
        if (row["person_id"], row["indicator"]) not in seen:
            seen.add((row["person_id"], row["indicator"]))
            merged.append(row)
    return merged


def register(ctx: StepContext, family: Family, at: datetime) -> bool:
    """On the register once (``at`` is the identification moment); True when the row is new. The issue
    rows follow the family's current headline issues (a matched re-referral or an assessment can add some)."""
    added = ctx.session.get(TfRegister, family.id) is None
    if added:
        ctx.session.add(TfRegister(family_id=family.id, added_at=at, headline_issues=family.headline_issues,
                                   framework=family.framework))
        ctx.session.flush()
    ctx.session.execute(delete(TfRegisterIssue).where(TfRegisterIssue.family_id == family.id))
    ctx.session.add_all(TfRegisterIssue(family_id=family.id, headline_issue=int(issue), district=family.district)
                        for issue in sorted(set(family.headline_issues)))
    return added


def on_day(now: datetime, day: str | None) -> datetime:
    """The moment of identification on ``day`` (a London date, e.g. the assessment's): the step's own
    time of day on that date, so an assessment recorded the day it happened is identified at that moment,
    and one recorded later keeps the date it found the issues (the register's "attached on")."""
    if not day:
        return now
    local = now.astimezone(LONDON)
    moment = datetime.combine(date.fromisoformat(day[:10]), local.time(), tzinfo=LONDON).astimezone(UTC)
    return min(moment, now)


def record_indicators(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """Rows ``{"person_id", "indicator", ...}`` confirmed or found by ``source`` (``assessment`` or
    ``pft_plan``) on ``on``: merged into the family's indicators, eligibility re-run, the family put on the
    register when it first meets the framework's minimum. Idempotent: a re-run adds nothing and ``added``
    (the register row is new, so the journey alerts the TF team) is true only once."""
    family = family_by_ref(ctx.session, param(params, "family_ref"))
    source = str(params.get("source") or "assessment")
    given = [{"person_id": str(i["person_id"]), "indicator": int(i["indicator"])}
             for i in params.get("indicators") or []]
    before = list(family.indicators or [])
    merged = merge_indicators(before, given)
    found = merged[len(before):]
    judged = eligibility(merged, family.framework)
    family.indicators, family.headline_issues = merged, judged["headline_issues"]
    family.eligible = judged["eligible"]
    if found:
        ctx.record("indicators_identified", data={"family_ref": family.ref, "source": source, "indicators": found,
                                                  "headline_issues": judged["headline_issues"]})
    added = False
    if family.eligible:
        added = register(ctx, family, on_day(ctx.now, params.get("on")))
        if added:
            ctx.record("tf_team_alerted", data={"family_ref": family.ref, "headline_issues": family.headline_issues,
                                                "identified_at": source})
    return {"family_ref": family.ref, "eligible": family.eligible, "headline_issues": family.headline_issues,
            "indicators": merged, "found": found, "added": added}
