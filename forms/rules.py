"""Cross-field rules several forms share: people in the household, indicators, dates in order."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from forms.base import Errors
from forms.context import (
    FormContext,
    current,
    find_person,
    identified_indicators,
    pairs,
    person_name,
    plan_indicators,
    referral_date,
    team_of,
)

NOT_IN_HOUSEHOLD = "Select a person from the household"
ALREADY_RECORDED = "This indicator is already recorded for this person"


def check_person(person_id: Any, path: Sequence[str | int], errors: Errors) -> Mapping[str, Any] | None:
    """The household row for ``person_id``, or ``None`` after recording an error at ``path``."""
    if person_id is None:
        return None  # missing: the field's own message says so
    found = find_person(current(), str(person_id))
    if found is None:
        errors.add(path, NOT_IN_HOUSEHOLD)
    return found


def check_indicator(indicator: int, person: Mapping[str, Any], on: date, path: Sequence[str | int],
                    errors: Errors) -> None:
    """Ask the context's indicator check whether ``indicator`` may be recorded for ``person``."""
    check = current().indicator_check
    if check is None:
        return
    problem = check(indicator, dict(person), on.isoformat())
    if problem:
        errors.add(path, problem)


def check_rows(rows: Any, field: str, errors: Errors, *, indicators: bool, unique: bool = False) -> None:
    """Rows of ``{person_id, indicator, ...}``: each person is in the household; with ``indicators``
    each indicator applies to its person on the referral date; with ``unique`` no pair repeats."""
    if not isinstance(rows, list):
        return
    on = referral_date(current())
    seen: set[tuple[str, int]] = set()
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            continue
        person = check_person(row.get("person_id"), (field, index, "person_id"), errors)
        number = row.get("indicator")
        if person is None or number is None:
            continue
        if unique and (str(row["person_id"]), number) in seen:
            errors.add((field, index, "indicator"), ALREADY_RECORDED)
            continue
        seen.add((str(row["person_id"]), number))
        if indicators:
            check_indicator(number, person, on, (field, index, "indicator"), errors)


def check_after(data: Mapping[str, Any], later: str, earlier: str, message: str, errors: Errors, *,
                same_day: bool = False, path: Sequence[str | int] | None = None) -> None:
    """``data[later]`` comes after ``data[earlier]`` (or on the same day, with ``same_day``)."""
    first, second = data.get(earlier), data.get(later)
    if first is None or second is None:
        return
    if second < first or (second == first and not same_day):
        errors.add(path or (later,), message)


def add_months(day: date, months: int) -> date:
    """Calendar months with month-end clamping (31 January + 1 month = 28/29 February), as the workflow's
    review cadence counts them."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def long_date(day: date) -> str:
    """``1 June 2027``, as GOV.UK writes dates."""
    return f"{day.day} {day:%B %Y}"


def describe(ctx: FormContext, pair: tuple[str, int]) -> str:
    return f"indicator {pair[1]} for {person_name(ctx, pair[0])}"


def check_targets_cover_indicators(targets: Any, errors: Errors) -> None:
    """At least one SMART target for each of the family's identified indicators (person and indicator),
    named when missing: a plan that leaves one out leaves an issue nobody works on."""
    if not isinstance(targets, list) or not targets:
        return  # missing or invalid rows: their own messages say so
    ctx = current()
    covered = set(pairs(targets))
    missing = [pair for pair in identified_indicators(ctx) if pair not in covered]
    if missing:
        errors.add(("targets",), "Add a target for each of the family's indicators: there is none for "
                   + join_all(describe(ctx, pair) for pair in missing))


def check_review_date(data: Mapping[str, Any], label: str, errors: Errors) -> None:
    """The next review is today or later, and within the team's review cadence unless
    ``review_date_reason`` says why it is later (the given date is then the one the workflow keeps)."""
    when = data.get("review_date")
    if not isinstance(when, date) or "review_date" in errors.messages:
        return  # missing, or already refused (before the plan or this review): one message is enough
    ctx = current()
    if when < ctx.today:
        errors.add(("review_date",), f"{label} must be today or in the future")
        return
    if ctx.review_cadence is None:
        return
    months = ctx.review_cadence(team_of(ctx))
    latest = add_months(ctx.today, months)
    if when > latest and not data.get("review_date_reason"):
        errors.add(("review_date_reason",),
                   f"Enter why the review is after {long_date(latest)}, or choose an earlier date: "
                   f"the team reviews every {months} months")


def check_outcomes_match_plan(outcomes: Any, errors: Errors, *,
                              already_named: Iterable[tuple[str, int]] = ()) -> None:
    """One outcome for each indicator the plan has targets for, and none for any other, each named once
    (``already_named``: missing ones another rule has said)."""
    ctx = current()
    planned = plan_indicators(ctx)
    if planned is None or not isinstance(outcomes, list) or not outcomes:
        return
    given: list[tuple[str, int]] = []
    for index, row in enumerate(outcomes):
        found = pairs([row])
        if not found:
            continue
        pair = found[0]
        given.append(pair)
        if pair not in planned:
            errors.add(("outcomes", index, "indicator"),
                       f"Indicator {pair[1]} for {person_name(ctx, pair[0])} is not in the plan: "
                       "remove this outcome")
    named = set(already_named)
    missing = [pair for pair in planned if pair not in given and pair not in named]
    if missing:
        errors.add(("outcomes",), "Add an outcome for each indicator in the plan: there is none for "
                   + join_all(describe(ctx, pair) for pair in missing))


def join_all(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    listed = list(items)
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
