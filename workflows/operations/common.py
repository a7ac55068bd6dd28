"""Helpers shared by the service-task operations: lookups, references, dates."""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.models import CouncilSetting, Family, Outcome, TeamSetting
from workflows.rules.moments import LONDON


class DomainError(ValueError):
    """An operation refused its input: the step fails and the instance records an incident."""


def family_by_ref(session: Session, ref: str) -> Family:
    family = session.scalar(select(Family).where(Family.ref == ref))
    if family is None:
        raise DomainError(f"no family {ref!r}")
    return family


def make_ref(prefix: str, now: datetime, row_id: int) -> str:
    """``F-2027-000123``: the year is the London year of creation; the number is the row id (unique)."""
    return f"{prefix}-{now.astimezone(LONDON).year}-{row_id:06d}"


def london_day(moment: datetime) -> str:
    return moment.astimezone(LONDON).date().isoformat()


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months with month-end clamping (31 January + 1 month = 28/29 February), in London time."""
    local = moment.astimezone(LONDON)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(moment.tzinfo)


DEFAULT_REVIEW_MONTHS = 3  # a team without settings reviews at the shorter of the two cadences


def review_months(session: Session, team: str | None) -> int:
    """How often the team reviews its plans: its ``team_setting``, else every 3 months."""
    if not team:
        return DEFAULT_REVIEW_MONTHS
    months = session.scalar(select(TeamSetting.review_every_months).where(TeamSetting.team_id == team))
    return int(months or DEFAULT_REVIEW_MONTHS)


def setting(session: Session, key: str, default: Any) -> Any:
    row = session.get(CouncilSetting, key)
    return default if row is None else row.value


def earned_autonomy(session: Session) -> bool:
    return bool(setting(session, "earned_autonomy", False))


def param(params: dict[str, Any], name: str) -> Any:
    if name not in params or params[name] is None:
        raise DomainError(f"the operation needs the parameter {name!r}")
    return params[name]


def current_progress(outcomes: list[Outcome]) -> list[Outcome]:
    """The progress outcomes that count: a broken one counts (and blocks a claim) until a later outcome
    for the same indicator re-establishes progress (docs/sources/DOMAIN.md's default). Keyed by indicator, not person:
    a re-referral's household joins the known family as new people."""
    progress = [o for o in outcomes if o.kind == "progress"]
    return [o for o in progress if not (o.status == "broken" and any(
        later.indicator == o.indicator and later.id > o.id for later in progress))]
