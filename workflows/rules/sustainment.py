"""When an outcome's sustainment window ends.

Definition (our decision, docs/sources/DOMAIN.md "Timers" and docs/sources/DESIGN.md "Time"): an outcome
"sustained for N months from A" is sustained at 00:00 Europe/London on A + N months, so the window's last
day is the day before.

* months: A + N calendar months with month-end clamping (``dateutil.relativedelta``): 31 January + 1
  month is 28 February (29th in a leap year), so every anchor from 28 to 31 January is sustained at
  00:00 on 28 February in a common year, and the window's last day is 27 February.
* weeks: A + 7N days; the last day is the day before, the same weekday as A minus one.
* school_terms: N whole terms, starting with the first term that begins on or after A (a term already
  running on A does not count); the last day is the last day of the N-th term.

``sustained_at`` returns that 00:00 London moment as UTC ISO 8601, so in British Summer Time it reads
23:00Z on the window's last day. A window with unit ``none`` has no computable end (a named person
decides), so ``sustained_at`` returns None and ``window_end`` refuses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from workflows.calendars.terms import Term, terms_from
from workflows.frameworks import load_framework
from workflows.rules.moments import local_midnight, parse_day, utc_iso

_UNITS = ("months", "weeks", "school_terms")


def _sustained_day(amount: int, unit: str, anchor: date, terms: Sequence[Term] | None) -> date:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise ValueError(f"amount must be a whole number >= 1, not {amount!r}")
    try:
        if unit == "months":
            return anchor + relativedelta(months=amount)
        if unit == "weeks":
            return anchor + timedelta(weeks=amount)
    except (OverflowError, ValueError):
        raise ValueError(f"{amount} {unit} from {anchor} is beyond the calendar") from None
    if unit == "school_terms":
        return terms_from(anchor, amount, terms)[-1].end + timedelta(days=1)
    if unit == "none":
        raise ValueError("a window with unit 'none' has no end date: a named person decides when it is met")
    raise ValueError(f"unit must be one of {', '.join(_UNITS)}, not {unit!r}")


def window_end(amount: int, unit: str, anchor_date: str, terms: Sequence[Term] | None = None) -> str:
    """The last day (``YYYY-MM-DD``) of a window of ``amount`` ``unit`` from ``anchor_date``.

    ``terms`` defaults to the project's school term calendar; pass a council's merged calendar
    (``load_school_terms(override_path)``) to count its terms instead.
    """
    anchor = parse_day(anchor_date, "anchor_date")
    return (_sustained_day(amount, unit, anchor, terms) - timedelta(days=1)).isoformat()


def sustained_at(
    framework_id: str,
    indicator: int,
    alternative: int | str,
    anchor: str,
    terms: Sequence[Term] | None = None,
) -> str | None:
    """The moment (UTC ISO 8601) at which an indicator's outcome counts as sustained, or None.

    ``alternative`` picks one of the indicator's sustainment alternatives by 0-based index, by its key
    (``"off_jsa"``) or by its condition text (case-insensitive). None means the alternative has no fixed
    window (unit ``none``): the person named by its ``decided_by`` decides.
    """
    if isinstance(indicator, bool) or not isinstance(indicator, int):
        raise ValueError(f"indicator must be a whole number, not {indicator!r}")
    chosen = load_framework(framework_id).indicator(indicator).alternative(alternative)
    if chosen.unit == "none" or chosen.amount is None:
        return None
    day = _sustained_day(chosen.amount, chosen.unit, parse_day(anchor, "anchor"), terms)
    return utc_iso(local_midnight(day))
