"""Whether a household is eligible, and whether an indicator may be recorded against a person.

Indicators attach to a person (a household member); headline issues belong to the family. A family is
eligible when its members' indicators cover at least the framework's minimum number of headline
issues (2 of 6 in the 2017 FOP, 3 of 10 in the 2022 national framework).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workflows.frameworks import Indicator, load_framework
from workflows.rules.moments import parse_day

# role -> (with article, plural), for messages.
_ROLES = {"adult": ("an adult", "adults"), "child": ("a child", "children")}


def eligibility(indicators: list[dict[str, Any]], framework_id: str = "fop-2017") -> dict[str, Any]:
    """``{"framework", "headline_issues": [sorted ints], "eligible", "minimum"}`` for a household.

    ``indicators`` is a list of ``{"person_id": str, "indicator": int}``, as recorded at triage.
    """
    framework = load_framework(framework_id)
    issues: set[int] = set()
    for position, item in enumerate(indicators):
        if not isinstance(item, Mapping):
            raise ValueError(f"indicators[{position}] must be an object with person_id and indicator")
        person_id, number = item.get("person_id"), item.get("indicator")
        if not isinstance(person_id, str) or not person_id:
            raise ValueError(f"indicators[{position}]: person_id must be non-empty text, not {person_id!r}")
        if isinstance(number, bool) or not isinstance(number, int):
            raise ValueError(f"indicators[{position}]: indicator must be a whole number, not {number!r}")
        issues.add(framework.indicator(number).headline_issue)
    return {
        "framework": framework.id,
        "headline_issues": sorted(issues),
        "eligible": len(issues) >= framework.minimum_headline_issues,
        "minimum": framework.minimum_headline_issues,
    }


def age_on(date_of_birth: date, on: date) -> int:
    """Completed years on ``on``. Someone born on 29 February is a year older from 1 March in a common
    year (there is no 29th to be the anniversary; the usual reading in England)."""
    if on < date_of_birth:
        raise ValueError(f"{on} is before the date of birth {date_of_birth}")
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def _title(indicator: Indicator) -> str:
    title = indicator.title
    # Lower-case "Domestic abuse perpetrator" for the middle of a sentence, but leave "NEET ..." alone.
    return title[0].lower() + title[1:] if title[1:2].islower() else title


def indicator_applies(framework_id: str, indicator: int, person: dict[str, Any], on: str) -> str | None:
    """None if ``indicator`` may be recorded for ``person`` on the day ``on``; otherwise why not.

    ``person`` is ``{"date_of_birth": "YYYY-MM-DD", "role": "adult" | "child"}``. A household-level
    indicator may be recorded against any member; the date of birth is needed only where the indicator
    has an age limit. The answer is a sentence for the person recording it, e.g. "Indicator 21
    (domestic abuse perpetrator) applies to people aged 16 or over; this person is 14. Record
    indicator 11 (child needing early help) instead."
    """
    if isinstance(indicator, bool) or not isinstance(indicator, int):
        raise ValueError(f"indicator must be a whole number, not {indicator!r}")
    framework = load_framework(framework_id)
    found = framework.indicator(indicator)
    if not isinstance(person, Mapping) or person.get("role") not in _ROLES:
        raise ValueError(f"person must have a role of 'adult' or 'child'; got {person!r}")
    name = f"Indicator {found.number} ({_title(found)})"
    role = person["role"]
    if "household" not in found.applies_to and role not in found.applies_to:
        allowed = " and ".join(_ROLES[r][1] for r in found.applies_to)
        return f"{name} applies to {allowed}; this person is recorded as {_ROLES[role][0]}."
    if found.min_age is None and found.max_age is None:
        return None
    age = age_on(
        parse_day(person.get("date_of_birth", ""), "date_of_birth", moments=False),
        parse_day(on, "on", moments=False),
    )
    if found.min_age is not None and age < found.min_age:
        message = f"{name} applies to people aged {found.min_age} or over; this person is {age}."
        if found.below_min_age_use is not None:
            instead = framework.indicator(found.below_min_age_use)
            message += f" Record indicator {instead.number} ({_title(instead)}) instead."
        return message
    if found.max_age is not None and age > found.max_age:
        return f"{name} applies to people aged under {found.max_age + 1}; this person is {age}."
    return None
