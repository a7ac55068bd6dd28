"""Validate a parsed framework file and build its frozen dataclasses.

Hand-written rather than jsonschema (not a dependency) so that every refusal names the file, the
indicator and the field in words a process owner editing the YAML can act on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NoReturn

from workflows.frameworks.model import (
    ANCHORS,
    ROLES,
    UNITS,
    Framework,
    HeadlineIssue,
    Indicator,
    Sustainment,
)

# A framework id carries its version (``fop-2017``, ``sfof-2022``) because ids are never re-used.
FRAMEWORK_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*-\d{4}(-[a-z0-9]+)*$")
KEY = re.compile(r"^[a-z][a-z0-9_]*$")

_TOP_REQUIRED = ("id", "version", "title", "minimum_headline_issues", "headline_issues", "indicators")
_TOP_OPTIONAL = ("source", "notes", "missing")
_INDICATOR_REQUIRED = (
    "number", "headline_issue", "title", "applies_to", "eligibility", "desired_outcome", "target",
    "sustainment",
)
_INDICATOR_OPTIONAL = ("min_age", "max_age", "below_min_age_use", "notes")
_ALTERNATIVE_REQUIRED = ("key", "condition", "amount", "unit")
_ALTERNATIVE_OPTIONAL = ("anchor", "decided_by", "note")


class FrameworkError(ValueError):
    """A framework file that cannot be used, with the file, the indicator (if any) and the reason."""

    def __init__(self, file: str, reason: str, indicator: int | None = None) -> None:
        self.file = file
        self.indicator = indicator
        self.reason = reason
        where = file if indicator is None else f"{file}: indicator {indicator}"
        super().__init__(f"{where}: {reason}")


class _Reader:
    """Reads fields out of one part of the file, failing with that part's location."""

    def __init__(self, file: str, indicator: int | None = None, prefix: str = "") -> None:
        self.file = file
        self.indicator = indicator
        self.prefix = prefix

    def fail(self, reason: str) -> NoReturn:
        raise FrameworkError(self.file, self.prefix + reason, self.indicator)

    def fields(
        self, value: object, what: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            self.fail(f"{what} must be a mapping, not {type(value).__name__}")
        missing = [key for key in required if key not in value]
        if missing:
            self.fail(f"{what} is missing required field(s): {', '.join(missing)}")
        unknown = sorted(str(key) for key in value if key not in required + optional)
        if unknown:
            self.fail(f"{what} has unknown field(s): {', '.join(unknown)}")
        return dict(value)

    def text(self, data: Mapping[str, Any], key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key} must be non-empty text, not {value!r}")
        return value.strip()

    def optional_text(self, data: Mapping[str, Any], key: str) -> str | None:
        return None if data.get(key) is None else self.text(data, key)

    def integer(self, data: Mapping[str, Any], key: str, minimum: int) -> int:
        value = data.get(key)
        # bool is an int subclass, and YAML turns "yes" into True.
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(f"{key} must be a whole number >= {minimum}, not {value!r}")
        return value

    def optional_integer(self, data: Mapping[str, Any], key: str, minimum: int) -> int | None:
        return None if data.get(key) is None else self.integer(data, key, minimum)


def parse_framework(data: object, file: str) -> Framework:
    reader = _Reader(file)
    top = reader.fields(data, "the framework", _TOP_REQUIRED, _TOP_OPTIONAL)
    framework_id = reader.text(top, "id")
    if not FRAMEWORK_ID.match(framework_id):
        reader.fail(f"id {framework_id!r} must be lower-case and end in its year, e.g. 'fop-2017'")
    headline_issues = _headline_issues(reader, top["headline_issues"])
    minimum = reader.integer(top, "minimum_headline_issues", 1)
    if minimum > len(headline_issues):
        reader.fail(f"minimum_headline_issues {minimum} exceeds the {len(headline_issues)} headline issues")
    indicators = _indicators(file, top["indicators"], {issue.number for issue in headline_issues})
    missing = top.get("missing") or []
    if not isinstance(missing, list) or not all(isinstance(item, str) and item.strip() for item in missing):
        reader.fail("missing must be a list of non-empty text")
    return Framework(
        id=framework_id,
        version=reader.text(top, "version"),
        title=reader.text(top, "title"),
        minimum_headline_issues=minimum,
        headline_issues=headline_issues,
        indicators=indicators,
        source=reader.optional_text(top, "source"),
        notes=reader.optional_text(top, "notes"),
        missing=tuple(item.strip() for item in missing),
    )


def _headline_issues(reader: _Reader, value: object) -> tuple[HeadlineIssue, ...]:
    if not isinstance(value, list) or not value:
        reader.fail("headline_issues must be a non-empty list")
    issues = []
    for position, item in enumerate(value, start=1):
        inner = _Reader(reader.file, prefix=f"headline issue {position}: ")
        fields = inner.fields(item, "headline issue", ("number", "name"), ())
        issue = HeadlineIssue(number=inner.integer(fields, "number", 1), name=inner.text(fields, "name"))
        if issue.number != position:
            reader.fail(
                f"headline issues must be numbered 1, 2, 3... in order; found {issue.number} at {position}"
            )
        issues.append(issue)
    return tuple(issues)


def _indicators(file: str, value: object, headline_numbers: set[int]) -> tuple[Indicator, ...]:
    if not isinstance(value, list) or not value:
        _Reader(file).fail("indicators must be a non-empty list")
    indicators: list[Indicator] = []
    for position, item in enumerate(value, start=1):
        number = item.get("number") if isinstance(item, Mapping) else None
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            _Reader(file).fail(f"indicator at position {position} has no valid number (found {number!r})")
        if any(existing.number == number for existing in indicators):
            _Reader(file, number).fail("duplicate indicator number: each number may appear once")
        indicators.append(_indicator(_Reader(file, number), item, headline_numbers))
    numbers = {indicator.number for indicator in indicators}
    for indicator in indicators:
        if indicator.below_min_age_use is not None and indicator.below_min_age_use not in numbers:
            _Reader(file, indicator.number).fail(
                f"below_min_age_use names indicator {indicator.below_min_age_use}, which does not exist"
            )
    return tuple(indicators)


def _indicator(reader: _Reader, item: object, headline_numbers: set[int]) -> Indicator:
    fields = reader.fields(item, "indicator", _INDICATOR_REQUIRED, _INDICATOR_OPTIONAL)
    headline = reader.integer(fields, "headline_issue", 1)
    if headline not in headline_numbers:
        reader.fail(f"headline_issue {headline} is not one of the framework's headline issues")
    applies_to = fields["applies_to"]
    if not isinstance(applies_to, list) or not applies_to or any(role not in ROLES for role in applies_to):
        reader.fail(f"applies_to must be a non-empty list drawn from {', '.join(ROLES)}, not {applies_to!r}")
    if len(set(applies_to)) != len(applies_to):
        reader.fail(f"applies_to repeats a role: {applies_to!r}")
    min_age = reader.optional_integer(fields, "min_age", 0)
    max_age = reader.optional_integer(fields, "max_age", 0)
    if min_age is not None and max_age is not None and min_age > max_age:
        reader.fail(f"min_age {min_age} is greater than max_age {max_age}")
    below = reader.optional_integer(fields, "below_min_age_use", 1)
    if below is not None and min_age is None:
        reader.fail("below_min_age_use needs a min_age")
    alternatives = fields["sustainment"]
    if not isinstance(alternatives, list) or not alternatives:
        reader.fail("sustainment must be a non-empty list of alternatives")
    sustainment = tuple(_alternative(reader, index, alt) for index, alt in enumerate(alternatives))
    keys = [alt.key for alt in sustainment]
    if len(set(keys)) != len(keys):
        reader.fail(f"sustainment keys must be unique within an indicator; found {keys}")
    return Indicator(
        number=fields["number"],
        headline_issue=headline,
        title=reader.text(fields, "title"),
        applies_to=tuple(applies_to),
        eligibility=reader.text(fields, "eligibility"),
        desired_outcome=reader.text(fields, "desired_outcome"),
        target=reader.text(fields, "target"),
        sustainment=sustainment,
        min_age=min_age,
        max_age=max_age,
        below_min_age_use=below,
        notes=reader.optional_text(fields, "notes"),
    )


def _alternative(indicator: _Reader, index: int, item: object) -> Sustainment:
    reader = _Reader(indicator.file, indicator.indicator, prefix=f"sustainment[{index}]: ")
    fields = reader.fields(item, "alternative", _ALTERNATIVE_REQUIRED, _ALTERNATIVE_OPTIONAL)
    key = reader.text(fields, "key")
    if not KEY.match(key):
        reader.fail(f"key {key!r} must be lower_snake_case")
    unit = fields["unit"]
    if unit not in UNITS:
        reader.fail(f"unit {unit!r} is not one of {', '.join(UNITS)}")
    anchor = fields.get("anchor")
    if anchor is not None and anchor not in ANCHORS:
        reader.fail(f"anchor {anchor!r} is not one of {', '.join(ANCHORS)}")
    if unit == "none":
        if fields["amount"] is not None:
            reader.fail("a window with unit 'none' has no amount: write 'amount: null'")
        decided_by = reader.text(fields, "decided_by")
        amount = None
    else:
        amount = reader.integer(fields, "amount", 1)
        if anchor is None:
            reader.fail(f"a window in {unit} needs an anchor: one of {', '.join(ANCHORS)}")
        if fields.get("decided_by") is not None:
            reader.fail("decided_by is only for windows with unit 'none'")
        decided_by = None
    return Sustainment(
        key=key,
        condition=reader.text(fields, "condition"),
        amount=amount,
        unit=unit,
        anchor=anchor,
        decided_by=decided_by,
        note=reader.optional_text(fields, "note"),
    )
