"""Task forms as HTML: the forms registry's field metadata -> GOV.UK macro parameters, and back.

Answers travel as the posted form, ``{name: [values]}``, which is also what a draft stores, so a
draft re-renders exactly as typed (a half-typed date included). Names nest with ``-``: ``closed_on-day``,
``outcomes-0-indicator``, ``address-postcode``; an element's id is its name, so an error path from
marshmallow (``("outcomes", 0, "indicator")``) joined with ``-`` is the id to link to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from forms.spec import FieldSpec

Answers = dict[str, list[str]]
Choices = Mapping[str, Sequence[tuple[str, str]]]
_INDEX = re.compile(r"^(\d+)-")
DATE_PARTS = ("day", "month", "year")


def _value(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def first(answers: Answers, name: str) -> str:
    values = answers.get(name) or [""]
    return values[0]


def _is_boolean(spec: FieldSpec) -> bool:
    return spec.widget == "checkboxes" and len(spec.choices) == 1 and spec.choices[0][0] is True


def row_count(answers: Answers, name: str) -> int:
    counted = first(answers, f"{name}-count")
    indexes = [int(m.group(1)) for key in answers if key.startswith(f"{name}-")
               for m in [_INDEX.match(key[len(name) + 1:])] if m]
    return max([1, int(counted) if counted.isdigit() else 0, *(i + 1 for i in indexes)])


def _blank(answers: Answers, prefix: str) -> bool:
    return all(not v.strip() for key, values in answers.items() if key.startswith(prefix) and
               not key.endswith("-count") for v in values)


def _rename(answers: Answers, old: str, new: str) -> Answers:
    return {(new + key[len(old):] if key.startswith(old) else key): values for key, values in answers.items()}


def normalise(specs: Sequence[FieldSpec], answers: Answers, prefix: str = "") -> Answers:
    """Blank add-another rows dropped and the rest numbered 0..n-1, so error paths match rows."""
    result = dict(answers)
    for spec in specs:
        name = prefix + spec.name
        if spec.widget == "add_another":
            kept = [i for i in range(row_count(result, name)) if not _blank(result, f"{name}-{i}-")]
            rows = {i: {k: v for k, v in result.items() if k.startswith(f"{name}-{i}-")} for i in kept}
            result = {k: v for k, v in result.items() if not k.startswith(f"{name}-")}
            for new, old in enumerate(kept):
                result.update(_rename(rows[old], f"{name}-{old}-", f"{name}-{new}-"))
                result = normalise(spec.children, result, f"{name}-{new}-")
            result[f"{name}-count"] = [str(max(1, len(kept)))]
        elif spec.widget == "fieldset":
            result = normalise(spec.children, result, f"{name}-")
    return result


def add_row(answers: Answers, name: str) -> Answers:
    return {**answers, f"{name}-count": [str(row_count(answers, name) + 1)]}


def remove_row(answers: Answers, name: str, index: int) -> Answers:
    count = row_count(answers, name)
    result = {k: v for k, v in answers.items() if not k.startswith(f"{name}-{index}-")}
    for later in range(index + 1, count):
        result = _rename(result, f"{name}-{later}-", f"{name}-{later - 1}-")
    result[f"{name}-count"] = [str(max(1, count - 1))]
    return result


def _date(answers: Answers, name: str) -> str | None:
    day, month, year = (first(answers, f"{name}-{part}").strip() for part in DATE_PARTS)
    if not (day or month or year):
        return None
    if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{month}-{day}"  # not a real date: the form says so


def collect(specs: Sequence[FieldSpec], answers: Answers, prefix: str = "") -> dict[str, Any]:
    """The data to validate: only the form's own questions (the schema refuses unknown keys)."""
    data: dict[str, Any] = {}
    for spec in specs:
        name = prefix + spec.name
        if spec.widget == "add_another":
            rows = [collect(spec.children, answers, f"{name}-{i}-") for i in range(row_count(answers, name))]
            data[spec.name] = [row for i, row in enumerate(rows) if not _blank(answers, f"{name}-{i}-")]
        elif spec.widget == "fieldset":
            if not _blank(answers, f"{name}-"):
                data[spec.name] = collect(spec.children, answers, f"{name}-")
        elif spec.widget == "date":
            value = _date(answers, name)
            if value is not None:
                data[spec.name] = value
        elif _is_boolean(spec):
            if "true" in answers.get(name, []):
                data[spec.name] = True
        elif spec.widget == "checkboxes":
            data[spec.name] = [v for v in answers.get(name, []) if v]
        elif name in answers:
            data[spec.name] = first(answers, name)
    return data


def answers_from(specs: Sequence[FieldSpec], data: Mapping[str, Any], prefix: str = "") -> Answers:
    """``collect`` the other way: stored data as posted answers, so a task done again (a returned
    closure summary) shows the answers given last time."""
    answers: Answers = {}
    for spec in specs:
        name, value = prefix + spec.name, data.get(spec.name)
        if value is None:
            continue
        if spec.widget == "add_another":
            rows = [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []
            for index, row in enumerate(rows):
                answers.update(answers_from(spec.children, row, f"{name}-{index}-"))
            answers[f"{name}-count"] = [str(max(1, len(rows)))]
        elif spec.widget == "fieldset":
            if isinstance(value, Mapping):
                answers.update(answers_from(spec.children, value, f"{name}-"))
        elif spec.widget == "date":
            year, _, rest = str(value)[:10].partition("-")
            month, _, day = rest.partition("-")
            for part, text in zip(DATE_PARTS, (day, month, year), strict=True):
                answers[f"{name}-{part}"] = [str(int(text)) if text.isdigit() else text]
        elif _is_boolean(spec):
            answers[name] = ["true"] if value else []
        elif spec.widget == "checkboxes":
            answers[name] = [_value(v) for v in value] if isinstance(value, list) else [_value(value)]
        else:
            answers[name] = [_value(value)]
    return answers


def error_ids(messages: Any, path: str = "") -> dict[str, str]:
    """marshmallow's nested messages -> {element id: first message} (``""`` for form-wide ones)."""
    found: dict[str, str] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            part = "" if key == "_schema" else str(key)
            child = "-".join(p for p in (path, part) if p)
            for element, message in error_ids(value, child).items():
                found.setdefault(element, message)
    elif isinstance(messages, list | tuple) and messages:
        if all(isinstance(m, str) for m in messages):
            found[path] = messages[0]
        else:
            found.update(error_ids(messages[0], path))
    elif isinstance(messages, str):
        found[path] = messages
    return found


@dataclass
class Control:
    """One thing to draw: ``macro`` names the GOV.UK macro (or ``rows``/``fieldset``)."""

    macro: str
    id: str
    label: str
    error: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    children: list[Control] = field(default_factory=list)
    rows: list[list[Control]] = field(default_factory=list)
    hint: str | None = None

    @property
    def href(self) -> str:
        return f"#{self.id}-day" if self.macro == "date" else f"#{self.id}"
