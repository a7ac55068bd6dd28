"""England and Wales bank holidays, from the ``holidays`` package's bundled data (no network).

England and Wales share one list (``subdiv="ENG"``; ``"WLS"`` is the same), including one-off days such
as the 2022 Platinum Jubilee and the 2023 Coronation. Where a holiday falls on a weekend the package
lists both the day itself and its weekday substitute; only the substitute matters for working days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache

import holidays


@cache
def _year(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holidays(year_range: Iterable[int]) -> set[date]:
    """Every England and Wales bank holiday in the given calendar years."""
    days: set[date] = set()
    for year in year_range:
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError(f"a year must be a whole number, not {year!r}")
        days |= _year(year)
    return days


def is_bank_holiday(day: date) -> bool:
    return day in _year(day.year)
