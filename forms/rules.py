"""Cross-field rules several forms share: people in the household, indicators, dates in order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from forms.base import Errors
from forms.context import current, find_person, referral_date

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
