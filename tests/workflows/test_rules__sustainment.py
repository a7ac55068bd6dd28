"""Sustainment windows: month ends, leap years, weeks, whole school terms, and every FOP 2017 window.

Expected moments are computed by hand: 00:00 Europe/London on the day after the window's last day,
written in UTC (23:00Z the day before while British Summer Time is in force).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.calendars import Term, load_school_terms
from workflows.rules import sustained_at, window_end

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("amount", "unit", "anchor", "last_day"),
    [
        (1, "months", "2027-01-31", "2027-02-27"),  # sustained 28 Feb: 31 Jan + 1 month clamps
        (1, "months", "2028-01-31", "2028-02-28"),  # leap year: sustained 29 Feb
        (1, "months", "2028-02-29", "2028-03-28"),
        (12, "months", "2028-02-29", "2029-02-27"),  # sustained 28 Feb 2029, the clamp of 29 Feb
        (6, "months", "2027-08-31", "2028-02-28"),  # sustained 29 Feb 2028
        (3, "months", "2027-11-30", "2028-02-28"),  # sustained 29 Feb 2028 (30 Feb clamps)
        (6, "months", "2027-03-01", "2027-08-31"),
        (1, "months", "2027-12-15", "2028-01-14"),  # across the year end
        (26, "weeks", "2027-03-01", "2027-08-29"),  # Monday + 182 days is Monday 30 August
        (13, "weeks", "2027-12-20", "2028-03-19"),
        (3, "school_terms", "2027-03-01", "2028-04-07"),  # summer 27, autumn 27, spring 28
        (1, "school_terms", "2027-09-08", "2027-12-17"),  # the autumn term starting that very day
        (2, "school_terms", "2027-09-09", "2028-07-21"),  # autumn already running: spring + summer
    ],
)
def test_window_end_examples(amount: int, unit: str, anchor: str, last_day: str) -> None:
    assert window_end(amount, unit, anchor) == last_day


def test_window_end_counts_a_council_calendar_when_given_one() -> None:
    terms = (
        Term(date(2030, 9, 1), date(2030, 12, 20), "2030/31", "autumn"),
        Term(date(2031, 1, 5), date(2031, 3, 30), "2030/31", "spring"),
        Term(date(2031, 4, 14), date(2031, 7, 20), "2030/31", "summer"),
    )
    assert window_end(2, "school_terms", "2030-09-02", terms) == "2031-07-20"


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        (1, "none", "has no end date"),
        (1, "fortnights", "unit must be one of months, weeks, school_terms"),
        (0, "months", "amount must be a whole number >= 1"),
        (True, "months", "amount must be a whole number >= 1"),
        (100_000, "months", "beyond the calendar"),
    ],
)
def test_window_end_refusals(amount: int, unit: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        window_end(amount, unit, "2027-03-01")


def _expected_sustained_day(anchor: date, months: int) -> date:
    """A + N months, clamped, computed without dateutil."""
    month_index = anchor.month - 1 + months
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


@given(anchor=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), months=st.integers(1, 120))
def test_months_clamp_to_the_month_end_and_never_overflow(anchor: date, months: int) -> None:
    last_day = date.fromisoformat(window_end(months, "months", anchor.isoformat()))
    sustained = last_day + timedelta(days=1)
    assert sustained == _expected_sustained_day(anchor, months)
    # Never spills into the month after the target month (31 Jan + 1 month is never in March).
    month_index = anchor.month - 1 + months
    assert (sustained.year, sustained.month) == (anchor.year + month_index // 12, month_index % 12 + 1)


@given(anchor=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), weeks=st.integers(1, 520))
def test_weeks_are_seven_days_each(anchor: date, weeks: int) -> None:
    last_day = date.fromisoformat(window_end(weeks, "weeks", anchor.isoformat()))
    assert (last_day - anchor).days == 7 * weeks - 1
    assert (last_day + timedelta(days=1)).weekday() == anchor.weekday()


@given(anchor=st.dates(min_value=date(2015, 8, 1), max_value=date(2029, 12, 31)), count=st.integers(1, 4))
def test_school_term_windows_end_on_the_last_day_of_the_nth_whole_term(anchor: date, count: int) -> None:
    last_day = date.fromisoformat(window_end(count, "school_terms", anchor.isoformat()))
    terms = load_school_terms()
    assert last_day in {term.end for term in terms}
    # Exactly `count` terms begin on or after the anchor and end by the window's last day.
    assert len([term for term in terms if term.start >= anchor and term.end <= last_day]) == count


@given(
    anchor=st.dates(min_value=date(2016, 1, 1), max_value=date(2029, 12, 31)),
    index=st.integers(0, 1),
)
def test_sustained_at_is_midnight_london_after_the_last_day(anchor: date, index: int) -> None:
    moment = sustained_at("fop-2017", 12, index, anchor.isoformat())
    assert moment is not None and moment.endswith("+00:00")
    local = datetime.fromisoformat(moment).astimezone(LONDON)
    assert local.time() == time(0, 0)
    assert local.date() == date.fromisoformat(window_end(6, "months", anchor.isoformat())) + timedelta(days=1)


# Every FOP 2017 window from one anchor, Sunday 31 January 2027 (BST runs 28 March to 31 October 2027).
# indicator, alternative key, expected sustained_at
ANCHOR = "2027-01-31"
SIX_MONTHS = "2027-07-30T23:00:00+00:00"  # 31 July 2027 00:00 BST
THREE_MONTHS = "2027-04-29T23:00:00+00:00"  # 31 April clamps to 30 April, 00:00 BST
FOUR_MONTHS = "2027-05-30T23:00:00+00:00"  # 31 May 2027 00:00 BST
THREE_TERMS = "2028-04-07T23:00:00+00:00"  # summer 2027, autumn 2027, spring 2028 (ends 7 April 2028)
EVERY_FOP_WINDOW = [
    (1, "fewer_offences", SIX_MONTHS),
    (2, "fewer_asb_reports", SIX_MONTHS),
    (2, "complies_with_abc", SIX_MONTHS),
    (3, "scaling_tool_post_release", THREE_MONTHS),
    (4, "six_months", SIX_MONTHS),
    (4, "licence_completed", None),
    (5, "fewer_offences", SIX_MONTHS),
    (6, "no_convictions", SIX_MONTHS),
    (7, "three_terms", THREE_TERMS),
    (8, "three_terms", THREE_TERMS),
    (9, "three_terms", THREE_TERMS),
    (10, "three_terms", THREE_TERMS),
    (11, "no_escalation", SIX_MONTHS),
    (12, "after_closure", SIX_MONTHS),
    (12, "after_step_down", SIX_MONTHS),
    (13, "after_closure", SIX_MONTHS),
    (13, "after_step_down", SIX_MONTHS),
    (14, "after_closure", SIX_MONTHS),
    (14, "after_step_down", SIX_MONTHS),
    (15, "development", SIX_MONTHS),
    (15, "pre_school", "2027-07-23T23:00:00+00:00"),  # 1 term: summer 2027 ends 23 July
    (15, "parenting_programme", THREE_MONTHS),
    (16, "off_jsa", "2027-07-31T23:00:00+00:00"),  # 26 weeks: Sunday 1 August 2027
    (16, "off_other_benefits", "2027-05-01T23:00:00+00:00"),  # 13 weeks: Sunday 2 May 2027
    (16, "tfea_agreed", None),
    (16, "childcare_15_hours", None),
    (17, "participation", FOUR_MONTHS),
    (18, "participation", FOUR_MONTHS),
    (19, "debt_plan", FOUR_MONTHS),
    (20, "scaling_tool", SIX_MONTHS),
    (21, "no_further_incident", SIX_MONTHS),
    (22, "fewer_callouts", SIX_MONTHS),
    (23, "six_months", SIX_MONTHS),
    (24, "six_months", SIX_MONTHS),
    (25, "early_years_entitlement", "2027-12-18T00:00:00+00:00"),  # 2 terms: autumn ends 17 Dec, GMT
    (25, "health_appointments", SIX_MONTHS),
    (26, "three_months", THREE_MONTHS),
    (27, "three_months", THREE_MONTHS),
    (28, "three_months", THREE_MONTHS),
    (29, "development", SIX_MONTHS),
    (29, "health_action", SIX_MONTHS),
]


def test_every_fop_alternative_has_an_example() -> None:
    from workflows.frameworks import load_framework

    shipped = {(i.number, alt.key) for i in load_framework("fop-2017").indicators for alt in i.sustainment}
    assert shipped == {(number, key) for number, key, _ in EVERY_FOP_WINDOW}


@pytest.mark.parametrize(("indicator", "key", "expected"), EVERY_FOP_WINDOW, ids=lambda v: str(v))
def test_every_fop_window(indicator: int, key: str, expected: str | None) -> None:
    assert sustained_at("fop-2017", indicator, key, ANCHOR) == expected


def test_a_winter_window_is_midnight_gmt() -> None:
    # 6 months from 1 June 2027 is 1 December 2027, 00:00 GMT.
    assert sustained_at("fop-2017", 6, 0, "2027-06-01") == "2027-12-01T00:00:00+00:00"


def test_alternatives_are_found_by_index_key_or_condition() -> None:
    by_index = sustained_at("fop-2017", 16, 1, ANCHOR)
    assert sustained_at("fop-2017", 16, "off_other_benefits", ANCHOR) == by_index
    condition = "off ESA, IS, Incapacity, Severe Disablement or Carer's Allowance for 13 weeks"
    assert sustained_at("fop-2017", 16, condition, ANCHOR) == by_index


def test_an_aware_anchor_is_taken_as_its_london_day() -> None:
    # 23:30Z on 30 June is 00:30 BST on 1 July, so the anchor day is 1 July.
    assert sustained_at("fop-2017", 6, 0, "2027-06-30T23:30:00+00:00") == sustained_at("fop-2017", 6, 0, "2027-07-01")


@pytest.mark.parametrize(
    ("indicator", "alternative", "anchor", "message"),
    [
        (16, "off_uc", ANCHOR, "indicator 16 has no sustainment alternative 'off_uc'; keys: off_jsa"),
        (16, 4, ANCHOR, "indicator 16 has 4 sustainment alternative"),
        (30, 0, ANCHOR, "framework fop-2017 has no indicator 30"),
        (6, 0, "2027-06-30T23:30:00", "naive datetime"),
        (6, 0, "31/01/2027", "not an ISO 8601 datetime"),
        (6, 0, "2027-02-30", "not a real date"),
        (6, True, ANCHOR, "must be an index or a key"),
    ],
)
def test_sustained_at_refusals(indicator: int, alternative: int | str, anchor: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sustained_at("fop-2017", indicator, alternative, anchor)
