"""Deadlines in working days: 17:00 Europe/London, weekends and England and Wales bank holidays skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.rules import due_in_working_days

LONDON = ZoneInfo("Europe/London")
# The test's own list, straight from the package, so it does not lean on workflows.calendars.
BANK_HOLIDAYS = set(holidays.country_holidays("GB", subdiv="ENG", years=range(2015, 2033)))


def _is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # The definition: received 10:00 Monday, due in 1 working day -> 17:00 Tuesday.
        ("2027-03-01T10:00:00+00:00", 1, "2027-03-02T17:00:00+00:00"),
        ("2027-06-07T10:00:00+01:00", 1, "2027-06-08T16:00:00+00:00"),  # same in BST: 17:00 local is 16:00Z
        ("2027-03-01T10:00:00+00:00", 0, "2027-03-01T17:00:00+00:00"),  # 0 days: today's close
        ("2027-03-01T16:59:59+00:00", 1, "2027-03-02T17:00:00+00:00"),
        ("2027-03-01T17:00:00+00:00", 1, "2027-03-03T17:00:00+00:00"),  # at 17:00 the day is over
        ("2027-03-01T17:30:00+00:00", 0, "2027-03-02T17:00:00+00:00"),
        ("2027-03-06T11:00:00+00:00", 1, "2027-03-09T17:00:00+00:00"),  # Saturday counts from Monday
        ("2027-03-05T10:00:00+00:00", 1, "2027-03-08T17:00:00+00:00"),  # Friday -> Monday
        ("2027-03-01T08:00:00Z", 5, "2027-03-08T17:00:00+00:00"),  # a whole week; 'Z' accepted
        ("2027-03-01", 1, "2027-03-02T17:00:00+00:00"),  # a bare day is 00:00 London
        # 23:30Z Sunday 27 June is 00:30 BST Monday 28 June: a Monday start.
        ("2027-06-27T23:30:00+00:00", 1, "2027-06-29T16:00:00+00:00"),
        # Christmas 2027: Sat 25, Sun 26, Mon 27 and Tue 28 (substitute days) are not working days.
        ("2027-12-24T10:00:00+00:00", 1, "2027-12-29T17:00:00+00:00"),
        ("2027-12-23T18:00:00+00:00", 0, "2027-12-24T17:00:00+00:00"),
        ("2027-12-31T10:00:00+00:00", 1, "2028-01-04T17:00:00+00:00"),  # New Year's Day substitute Mon 3 Jan
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March; BST starts on Sunday 28 March.
        ("2027-03-25T10:00:00+00:00", 1, "2027-03-30T16:00:00+00:00"),
        ("2027-03-26T09:00:00+00:00", 0, "2027-03-30T16:00:00+00:00"),
        # The clocks go back on Sunday 31 October 2027: Friday 29 Oct (BST) -> Monday 1 Nov (GMT).
        ("2027-10-29T10:00:00+01:00", 1, "2027-11-01T17:00:00+00:00"),
        # 2022 one-offs: Thu 2 and Fri 3 June (Platinum Jubilee), Mon 19 September (State Funeral).
        ("2022-06-01T10:00:00+01:00", 1, "2022-06-06T16:00:00+00:00"),
        ("2022-09-16T10:00:00+01:00", 1, "2022-09-20T16:00:00+00:00"),
    ],
)
def test_due_in_working_days_examples(start: str, n: int, due: str) -> None:
    assert due_in_working_days(start, n) == due


STARTS = st.datetimes(
    min_value=datetime(2016, 1, 1), max_value=datetime(2030, 12, 1), timezones=st.just(UTC)
)


@settings(deadline=None)
@given(start=STARTS, n=st.integers(min_value=0, max_value=40))
def test_due_is_17_00_london_on_a_working_day_exactly_n_working_days_on(start: datetime, n: int) -> None:
    due = datetime.fromisoformat(due_in_working_days(start.isoformat(), n))
    assert due.utcoffset() == timedelta(0)
    local_due = due.astimezone(LONDON)
    assert local_due.time() == time(17, 0)
    assert _is_working_day(local_due.date())
    assert due > start
    local_start = start.astimezone(LONDON)
    day_zero = local_start.date()
    if not _is_working_day(day_zero) or local_start.time() >= time(17, 0):
        day_zero += timedelta(days=1)
        while not _is_working_day(day_zero):
            day_zero += timedelta(days=1)
    counted = [
        day_zero + timedelta(days=offset)
        for offset in range(1, (local_due.date() - day_zero).days + 1)
        if _is_working_day(day_zero + timedelta(days=offset))
    ]
    assert len(counted) == n


@settings(deadline=None)
@given(start=STARTS, n=st.integers(min_value=0, max_value=40))
def test_due_is_strictly_monotonic_in_n(start: datetime, n: int) -> None:
    assert due_in_working_days(start.isoformat(), n) < due_in_working_days(start.isoformat(), n + 1)


@given(start=STARTS, minutes=st.integers(min_value=1, max_value=60 * 24 * 10))
def test_a_later_start_is_never_due_earlier(start: datetime, minutes: int) -> None:
    later = start + timedelta(minutes=minutes)
    assert due_in_working_days(start.isoformat(), 1) <= due_in_working_days(later.isoformat(), 1)


@pytest.mark.parametrize(
    ("start", "n", "message"),
    [
        ("2027-03-01T10:00:00", 1, "naive datetime \\(no UTC offset\\); give an aware ISO 8601 datetime"),
        ("2027-03-01 10:00", 1, "naive datetime"),
        ("next Monday", 1, "not an ISO 8601 datetime"),
        ("2027-03-01T10:00:00+00:00", -1, "n must be a whole number of working days from 0 to 1000"),
        ("2027-03-01T10:00:00+00:00", 1001, "n must be a whole number"),
        ("2027-03-01T10:00:00+00:00", True, "n must be a whole number"),
    ],
)
def test_due_in_working_days_refusals(start: str, n: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        due_in_working_days(start, n)


def test_a_naive_datetime_object_is_refused_too() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        due_in_working_days(datetime(2027, 3, 1, 10), 1)  # type: ignore[arg-type]
