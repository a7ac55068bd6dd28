"""Deadlines in working days.

A working day is Monday to Friday except an England and Wales bank holiday, and it ends at 17:00
Europe/London (docs/sources/DESIGN.md "Time"). "Due in n working days" from a start moment means:

* day 0 is the start's London date if that is a working day and the start is before 17:00; otherwise
  (from 17:00 on, or on a weekend or bank holiday) day 0 is the next working day, as if the work
  arrived first thing that morning;
* the deadline is 17:00 London on the n-th working day after day 0.

So a referral at 10:00 on a Monday, due in 1 working day, is due at 17:00 on Tuesday; one at 17:30 on
Monday, or any time on Saturday, is due at 17:00 on Wednesday and Tuesday respectively; ``n = 0``
means by 17:00 on day 0 itself.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from workflows.calendars.bank_holidays import is_bank_holiday
from workflows.rules.moments import LONDON, parse_moment, utc_iso

CLOSE_OF_BUSINESS = time(17, 0)
# A script could pass any n; the cap keeps the day-by-day walk short, and no deadline of the
# programme is anywhere near four years of working days.
MAX_WORKING_DAYS = 1000


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def due_in_working_days(start: str, n: int) -> str:
    """17:00 Europe/London on the n-th working day counted from ``start``, as UTC ISO 8601.

    ``start`` is an aware ISO 8601 datetime (a bare ``YYYY-MM-DD`` means 00:00 London that day).
    See the module docstring for how day 0 is chosen.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_WORKING_DAYS:
        raise ValueError(f"n must be a whole number of working days from 0 to {MAX_WORKING_DAYS}, not {n!r}")
    local = parse_moment(start, "start").astimezone(LONDON)
    day = local.date()
    if not is_working_day(day) or local.time() >= CLOSE_OF_BUSINESS:
        day = next_working_day(day)
    for _ in range(n):
        day = next_working_day(day)
    return utc_iso(datetime.combine(day, CLOSE_OF_BUSINESS, tzinfo=LONDON))
