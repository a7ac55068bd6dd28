"""Parsing and formatting of the dates and moments that rule functions exchange with BPMN scripts.

Scripts pass JSON-safe values: a day as ``YYYY-MM-DD``, a moment as an aware ISO 8601 string. A
moment without a UTC offset is refused, because the same wall-clock time is an hour apart in GMT and
BST. Results are days as ``YYYY-MM-DD`` and moments in UTC (``2027-03-01T00:00:00+00:00``). People's
days are Europe/London days: the day of a moment is its date in London.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")  # the council's zone: the one the project uses (forms/ names its own)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EXAMPLE = "2027-03-01T00:00:00+00:00"


def _naive(value: object, what: str) -> ValueError:
    return ValueError(
        f"{what} {value!r} is a naive datetime (no UTC offset); give an aware ISO 8601 datetime such as "
        f"'{_EXAMPLE}', because a local time without an offset is ambiguous between GMT and BST"
    )


def parse_day(value: str | date, what: str, moments: bool = True) -> date:
    """A day from ``YYYY-MM-DD`` or (if ``moments``) an aware moment, taken as its London date."""
    if isinstance(value, datetime):
        if not moments:
            raise ValueError(f"{what} must be a date (YYYY-MM-DD), not a datetime: {value!r}")
        return parse_moment(value, what).astimezone(LONDON).date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a date string YYYY-MM-DD, not {type(value).__name__}")
    if _DAY.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{what} {value!r} is not a real date") from None
    if not moments:
        raise ValueError(f"{what} {value!r} must be a date written YYYY-MM-DD")
    return parse_moment(value, what).astimezone(LONDON).date()


def parse_moment(value: str | date, what: str) -> datetime:
    """An aware moment (in UTC) from an aware ISO 8601 string; a bare day means 00:00 London."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return local_midnight(value).astimezone(UTC)
    elif isinstance(value, str):
        if _DAY.match(value):
            return local_midnight(parse_day(value, what)).astimezone(UTC)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{what} {value!r} is not an ISO 8601 datetime such as '{_EXAMPLE}'") from None
    else:
        raise ValueError(f"{what} must be an ISO 8601 datetime string, not {type(value).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _naive(value, what)
    return moment.astimezone(UTC)


def local_midnight(day: date) -> datetime:
    """00:00 Europe/London on ``day`` (clocks change at 01:00 UTC, so midnight always exists once)."""
    return datetime.combine(day, time(0), tzinfo=LONDON)


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
