"""Which claim window a family (or a batch) is heading for.

A claim window has the days it opens and closes and an earlier local cut-off day, by which the
council's own audits must be finished. Each day is inclusive: a window whose local cut-off is
31 March is open for audit until 00:00 Europe/London on 1 April, the same end-of-day rule as a
sustainment window.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from workflows.rules.moments import local_midnight, parse_day, parse_moment, utc_iso

_FIELDS = ("id", "opens_on", "closes_on", "local_cutoff_on")


def _end_of(day: date) -> datetime:
    return local_midnight(day + timedelta(days=1))


def _window(index: int, window: object) -> tuple[datetime, datetime, str]:
    if not isinstance(window, Mapping):
        raise ValueError(f"claim window {index} must be an object with {', '.join(_FIELDS)}")
    missing = [field for field in _FIELDS if field not in window]
    window_id = window.get("id")
    name = f"claim window {window_id!r}" if window_id else f"claim window {index}"
    if missing:
        raise ValueError(f"{name} is missing {', '.join(missing)}")
    if not isinstance(window_id, str) or not window_id.strip():
        raise ValueError(f"{name}: id must be non-empty text")
    opens, closes, cutoff = (parse_day(window[key], f"{name} {key}", moments=False) for key in _FIELDS[1:])
    if closes < opens:
        raise ValueError(f"{name} closes ({closes}) before it opens ({opens})")
    if cutoff > closes:
        raise ValueError(f"{name}: the local cut-off ({cutoff}) is after the window closes ({closes})")
    return _end_of(cutoff), _end_of(closes), window_id


def next_claim_window(windows: list[dict[str, Any]], after: str) -> dict[str, str] | None:
    """The window with the earliest local cut-off that has not passed at ``after``, or None.

    Returns ``{"id", "closes_at", "local_cutoff_at"}`` with both moments in UTC ISO 8601. A cut-off
    has passed at its own moment: at exactly 00:00 London on the day after the cut-off day, the
    window is no longer available.
    """
    moment = parse_moment(after, "after")
    parsed = [_window(index, window) for index, window in enumerate(windows)]
    ids = [window_id for _, _, window_id in parsed]
    duplicated = sorted({window_id for window_id in ids if ids.count(window_id) > 1})
    if duplicated:
        raise ValueError(f"claim window ids must be unique; repeated: {', '.join(duplicated)}")
    open_windows = sorted(window for window in parsed if window[0] > moment)
    if not open_windows:
        return None
    cutoff_at, closes_at, window_id = open_windows[0]
    return {"id": window_id, "closes_at": utc_iso(closes_at), "local_cutoff_at": utc_iso(cutoff_at)}
