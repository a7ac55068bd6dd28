"""What a form sees of its task at validation time: the workflow data, the indicator rule and today.

The registry sets a :class:`FormContext` around each ``load`` with marshmallow's contextvar-based
``Context``; schemas read it with :func:`current`. Outside a registry call (a schema loaded directly)
the context is empty: no household, no indicator rule, today's date in Europe/London.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow.experimental.context import Context

# forms/ imports nothing of the project (a test holds it to that), so it names the council's zone itself.
LONDON = ZoneInfo("Europe/London")

IndicatorCheck = Callable[[int, dict[str, Any], str], str | None]
"""``(indicator, person, on) -> None`` when the indicator may be recorded for that person on that
ISO date, else the error message to show. ``person`` is the household row (``date_of_birth``
YYYY-MM-DD, ``role`` adult|child, ...)."""


def london_today() -> date:
    """Today's date as people in the council see it."""
    return datetime.now(LONDON).date()


KnownFamily = Callable[[str], bool]
"""``(family_ref) -> True`` when a family with that reference is known (open or closed, not merged)."""
TeamCaseManager = Callable[[str, str], bool]
"""``(team, username) -> True`` when that active person is a case manager and a member of the team."""


@dataclass(frozen=True)
class FormContext:
    data: Mapping[str, Any] = field(default_factory=dict)
    indicator_check: IndicatorCheck | None = None
    known_family: KnownFamily | None = None
    team_case_manager: TeamCaseManager | None = None
    today: date = field(default_factory=london_today)


def current() -> FormContext:
    """The context of the registry call in progress, or an empty one."""
    found = Context.get(None)
    return found if isinstance(found, FormContext) else FormContext()


def household(ctx: FormContext) -> list[Mapping[str, Any]]:
    """The referral's household rows (``referral.household``), each with a ``person_id`` given at intake."""
    referral = ctx.data.get("referral")
    members = referral.get("household") if isinstance(referral, Mapping) else None
    if not isinstance(members, list):
        return []
    return [member for member in members if isinstance(member, Mapping)]


def find_person(ctx: FormContext, person_id: str) -> Mapping[str, Any] | None:
    for member in household(ctx):
        if member.get("person_id") is not None and str(member["person_id"]) == person_id:
            return member
    return None


def referral_date(ctx: FormContext) -> date:
    """The date the referral was received (``received_on``, else ``received_at``), else today.

    A datetime is read in Europe/London, so a referral at 23:30 UTC on 31 March is 1 April.
    """
    referral = ctx.data.get("referral")
    if isinstance(referral, Mapping):
        for key in ("received_on", "received_at"):
            value = referral.get(key)
            if value is not None:
                return _london_date(value)
    return ctx.today


def _london_date(value: Any) -> date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    if isinstance(value, datetime):
        return value.astimezone(LONDON).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    raise ValueError(f"not a date: {value!r}")
