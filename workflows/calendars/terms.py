"""School terms as data: the default calendar, a council's override merged over it, and term counting.

An academic year runs 1 August to 31 July and has an autumn, a spring and a summer term, each given by
its first and last day. Counting "N terms from a date" uses whole terms only: the first term that
begins on or after the date, then the next N - 1 (docs/sources/DOMAIN.md, "Counting terms").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from workflows.strict_yaml import load_yaml

DEFAULT_TERMS_FILE = Path(__file__).resolve().parent / "school_terms.yaml"
TERM_NAMES = ("autumn", "spring", "summer")
_ACADEMIC_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


class CalendarError(ValueError):
    """A term calendar that cannot be used, or a question it cannot answer."""


@dataclass(frozen=True, order=True)
class Term:
    start: date
    end: date
    academic_year: str
    name: str


def load_school_terms(override_path: str | Path | None = None) -> tuple[Term, ...]:
    """All terms in date order: the default calendar with ``override_path`` (if any) merged over it.

    The override has the default file's layout and may give whole academic years or single terms;
    each term it gives replaces the default's. The merged calendar is validated as a whole.
    """
    return _load(None if override_path is None else str(Path(override_path).resolve()))


@cache
def _load(override: str | None) -> tuple[Term, ...]:
    years = _read(DEFAULT_TERMS_FILE)
    label = DEFAULT_TERMS_FILE.name
    if override is not None:
        for year, terms in _read(Path(override)).items():
            years.setdefault(year, {}).update(terms)
        label = f"{label} merged with {Path(override).name}"
    return _build(years, label)


def _read(path: Path) -> dict[str, dict[str, tuple[date, date]]]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CalendarError(f"{path.name}: cannot be read as YAML: {exc}") from exc
    if not isinstance(data, Mapping) or set(data) != {"academic_years"}:
        raise CalendarError(f"{path.name}: must hold exactly one key, 'academic_years'")
    if not isinstance(data["academic_years"], Mapping):
        raise CalendarError(f"{path.name}: academic_years must map '2024/25' to its terms")
    years: dict[str, dict[str, tuple[date, date]]] = {}
    for year, terms in data["academic_years"].items():
        where = f"{path.name}: {year}"
        match = _ACADEMIC_YEAR.match(str(year))
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise CalendarError(f"{where}: an academic year is written like '2024/25'")
        if not isinstance(terms, Mapping) or not terms or not set(terms) <= set(TERM_NAMES):
            raise CalendarError(f"{where}: give terms named {', '.join(TERM_NAMES)}")
        years[str(year)] = {name: _term_dates(f"{where} {name}", value) for name, value in terms.items()}
    return years


def _term_dates(where: str, value: Any) -> tuple[date, date]:
    if not isinstance(value, Mapping) or set(value) != {"start", "end"}:
        raise CalendarError(f"{where}: a term is {{start: YYYY-MM-DD, end: YYYY-MM-DD}}")
    start, end = (_as_date(where, key, value[key]) for key in ("start", "end"))
    if end < start:
        raise CalendarError(f"{where}: ends ({end}) before it starts ({start})")
    return start, end


def _as_date(where: str, key: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CalendarError(f"{where}: {key} {value!r} is not a date (YYYY-MM-DD)") from None


def _build(years: Mapping[str, Mapping[str, tuple[date, date]]], label: str) -> tuple[Term, ...]:
    terms: list[Term] = []
    previous_year: int | None = None
    for year in sorted(years):
        first = int(year[:4])
        if previous_year is not None and first != previous_year + 1:
            raise CalendarError(
                f"{label}: academic years jump from {previous_year} to {year}; none may be missing"
            )
        previous_year = first
        missing = [name for name in TERM_NAMES if name not in years[year]]
        if missing:
            raise CalendarError(f"{label}: {year} has no {', '.join(missing)} term")
        for name in TERM_NAMES:
            start, end = years[year][name]
            if start < date(first, 8, 1) or end > date(first + 1, 7, 31):
                raise CalendarError(
                    f"{label}: {year} {name} must lie between 1 August {first} and 31 July {first + 1}"
                )
            term = Term(start, end, year, name)
            if terms and term.start <= terms[-1].end:
                raise CalendarError(
                    f"{label}: {year} {name} starts {start}, before {terms[-1].academic_year} "
                    f"{terms[-1].name} ends ({terms[-1].end})"
                )
            terms.append(term)
    if not terms:
        raise CalendarError(f"{label}: has no academic years")
    return tuple(terms)


def terms_from(anchor: date, count: int, terms: Sequence[Term] | None = None) -> tuple[Term, ...]:
    """``count`` whole terms, starting with the first term that begins on or after ``anchor``."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a whole number of terms >= 1, not {count!r}")
    calendar = load_school_terms() if terms is None else terms
    # Every term of an earlier academic year began before 1 August, so from that date on the first
    # term beginning on or after the anchor is certainly in the calendar.
    known_from = date(int(calendar[0].academic_year[:4]), 8, 1)
    if anchor < known_from:
        raise CalendarError(
            f"the school term calendar starts with {calendar[0].academic_year}; {anchor} is before it"
        )
    index = next((i for i, term in enumerate(calendar) if term.start >= anchor), len(calendar))
    if index + count > len(calendar):
        raise CalendarError(
            f"the school term calendar ends on {calendar[-1].end}: "
            f"cannot count {count} term(s) from {anchor}; add later academic years"
        )
    return tuple(calendar[index : index + count])
