"""What a form sees of its task at validation time: the workflow data, the indicator rule and today.

The registry sets a :class:`FormContext` around each ``load`` with marshmallow's contextvar-based
``Context``; schemas read it with :func:`current`. Outside a registry call (a schema loaded directly)
the context is empty: no household, no indicator rule, today's date in Europe/London.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
FamilyIndicators = Callable[[str], Sequence[Mapping[str, Any]]]
"""``(family_ref) -> [{person_id, indicator}, ...]``: the indicators recorded on the family (every referral's
triage, and whatever else the domain adds to them)."""
ReviewCadence = Callable[[str | None], int]
"""``(team) -> months``: how often the team reviews its plans (the team's setting, else the default)."""


@dataclass(frozen=True)
class FormContext:
    data: Mapping[str, Any] = field(default_factory=dict)
    indicator_check: IndicatorCheck | None = None
    known_family: KnownFamily | None = None
    team_case_manager: TeamCaseManager | None = None
    family_indicators: FamilyIndicators | None = None
    review_cadence: ReviewCadence | None = None
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


def identified_indicators(ctx: FormContext) -> list[tuple[str, int]]:
    """The family's identified indicators as ``(person_id, indicator)`` pairs, in the order first seen:
    those recorded on the family (``family_indicators``), then this journey's triage and assessment
    rows in the task data (an assessment may find more than triage did). Only this journey's household
    counts: a re-referral brings its own people, and an indicator of someone the form cannot name is no
    target this plan can set."""
    rows: list[Any] = []
    ref = ctx.data.get("family_ref")
    if ctx.family_indicators is not None and isinstance(ref, str) and ref:
        rows += list(ctx.family_indicators(ref))
    for form_key in ("triage", "assessment"):
        form = ctx.data.get(form_key)
        found = form.get("indicators") if isinstance(form, Mapping) else None
        rows += found if isinstance(found, list) else []
    return [pair for pair in pairs(rows) if find_person(ctx, pair[0]) is not None]


def plan_indicators(ctx: FormContext) -> list[tuple[str, int]] | None:
    """The ``(person_id, indicator)`` pairs the journey's plan has targets for (the Family Action Plan,
    else the Parenting and Family Team's plan), or ``None`` when the task data holds no plan."""
    for form_key in ("action_plan", "pft_plan"):
        plan = ctx.data.get(form_key)
        if isinstance(plan, Mapping) and isinstance(plan.get("targets"), list):
            return pairs(plan["targets"])
    return None


def person_name(ctx: FormContext, person_id: str) -> str:
    """The household member's name as people read it, else the id itself."""
    member = find_person(ctx, person_id) or {}
    name = " ".join(str(member.get(k) or "") for k in ("given_name", "family_name")).strip()
    return name or person_id


def team_of(ctx: FormContext) -> str | None:
    """The team doing the work: the allocation's (case management), else the task data's ``team``."""
    allocation = ctx.data.get("allocation")
    team = allocation.get("team") if isinstance(allocation, Mapping) else None
    team = team or ctx.data.get("team")
    return team if isinstance(team, str) and team else None


def pairs(rows: Sequence[Any]) -> list[tuple[str, int]]:
    """Rows of ``{person_id, indicator, ...}`` as distinct ``(person_id, indicator)`` pairs, in order."""
    pairs: list[tuple[str, int]] = []
    for row in rows:
        if not isinstance(row, Mapping) or row.get("person_id") is None or row.get("indicator") is None:
            continue
        try:
            pair = (str(row["person_id"]), int(row["indicator"]))
        except (TypeError, ValueError):
            continue
        if pair not in pairs:
            pairs.append(pair)
    return pairs


def _london_date(value: Any) -> date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    if isinstance(value, datetime):
        return value.astimezone(LONDON).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    raise ValueError(f"not a date: {value!r}")
