"""School terms (default calendar, council override, counting) and England and Wales bank holidays."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.easter import easter
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.calendars import CalendarError, Term, bank_holidays, load_school_terms, terms_from


def test_default_calendar_covers_2015_16_to_2030_31_with_three_terms_each() -> None:
    terms = load_school_terms()
    expected_years = [f"{year}/{str(year + 1)[2:]}" for year in range(2015, 2031)]
    assert sorted({term.academic_year for term in terms}) == expected_years
    for year in expected_years:
        assert [term.name for term in terms if term.academic_year == year] == ["autumn", "spring", "summer"]


def test_default_terms_are_in_order_and_in_their_season() -> None:
    terms = load_school_terms()
    for earlier, later in zip(terms, terms[1:], strict=False):
        assert earlier.end < later.start
    for term in terms:
        assert term.start <= term.end
        assert (term.start.month, term.end.month) in {
            "autumn": {(9, 12)},
            "spring": {(1, 3), (1, 4)},
            "summer": {(3, 7), (4, 7), (5, 7)},
        }[term.name]


def test_a_known_year_of_the_default_calendar() -> None:
    year = [term for term in load_school_terms() if term.academic_year == "2026/27"]
    assert [(term.name, term.start, term.end) for term in year] == [
        ("autumn", date(2026, 9, 2), date(2026, 12, 18)),
        ("spring", date(2027, 1, 4), date(2027, 3, 19)),  # Easter 2027 is 28 March
        ("summer", date(2027, 4, 5), date(2027, 7, 23)),
    ]


def _override(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "council_terms.yaml"
    path.write_text("academic_years:\n" + body, encoding="utf-8")
    return path


def test_a_council_override_replaces_one_term_and_keeps_the_rest(tmp_path: Path) -> None:
    path = _override(tmp_path, '  "2026/27":\n    summer: {start: 2027-04-12, end: 2027-07-21}\n')
    merged = {(term.academic_year, term.name): term for term in load_school_terms(path)}
    default = {(term.academic_year, term.name): term for term in load_school_terms()}
    summer = merged["2026/27", "summer"]
    assert (summer.start, summer.end) == (date(2027, 4, 12), date(2027, 7, 21))
    assert merged["2026/27", "autumn"] == default["2026/27", "autumn"]
    assert len(merged) == len(default)


def test_a_council_override_can_add_a_later_year(tmp_path: Path) -> None:
    path = _override(
        tmp_path,
        '  "2031/32":\n'
        "    autumn: {start: 2031-09-03, end: 2031-12-19}\n"
        "    spring: {start: 2032-01-05, end: 2032-03-19}\n"
        "    summer: {start: 2032-04-05, end: 2032-07-21}\n",
    )
    assert load_school_terms(path)[-1] == Term(date(2032, 4, 5), date(2032, 7, 21), "2031/32", "summer")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('  "2026/27":\n    summer: {start: 2027-03-01, end: 2027-07-21}\n', "before 2026/27 spring ends"),
        ('  "2026/27":\n    summer: {start: 2027-07-21, end: 2027-04-12}\n', "ends (2027-04-12) before it starts"),
        ('  "2026/27":\n    summer: {start: 2027-04-31, end: 2027-07-21}\n', "'2027-04-31' is not a real date"),
        ('  "2026/27":\n    summer: {start: "12 April", end: 2027-07-21}\n', "start '12 April' is not a date"),
        ('  "2026/27":\n    easter: {start: 2027-04-12, end: 2027-07-21}\n', "give terms named"),
        ('  "2026/28":\n    summer: {start: 2027-04-12, end: 2027-07-21}\n', "written like '2024/25'"),
        ('  "2032/33":\n    autumn: {start: 2032-09-01, end: 2032-12-17}\n', "jump from 2030 to 2032/33"),
        ('  "2031/32":\n    autumn: {start: 2031-09-03, end: 2031-12-19}\n', "2031/32 has no spring, summer"),
        ('  "2026/27":\n    summer: {start: 2027-04-12, end: 2027-08-02}\n', "between 1 August 2026 and 31 July"),
        ('  "2026/27":\n    summer: {start: 2027-04-12, end: 2027-07-21}\n  "2026/27": {}\n', "repeated key"),
    ],
)
def test_a_bad_override_is_refused_with_the_year_and_term(tmp_path: Path, body: str, reason: str) -> None:
    with pytest.raises(CalendarError) as caught:
        load_school_terms(_override(tmp_path, body))
    assert reason in str(caught.value)


def test_counting_starts_with_the_first_term_that_begins_on_or_after_the_anchor() -> None:
    # 1 March 2027 is inside the 2026/27 spring term, which therefore does not count.
    counted = terms_from(date(2027, 3, 1), 3)
    assert [(term.academic_year, term.name) for term in counted] == [
        ("2026/27", "summer"),
        ("2027/28", "autumn"),
        ("2027/28", "spring"),
    ]
    # A term beginning on the anchor day itself counts.
    assert terms_from(date(2027, 4, 5), 1)[0].start == date(2027, 4, 5)
    assert terms_from(date(2027, 4, 6), 1)[0].start == date(2027, 9, 8)


def test_counting_beyond_either_end_of_the_calendar_is_refused() -> None:
    with pytest.raises(CalendarError, match="ends on 2031-07-18: cannot count 3 term"):
        terms_from(date(2031, 1, 10), 3)
    with pytest.raises(CalendarError, match="starts with 2015/16"):
        terms_from(date(2015, 7, 1), 1)
    with pytest.raises(ValueError, match="count must be"):
        terms_from(date(2027, 1, 1), 0)


ALL_TERMS = load_school_terms()
ANCHORS = st.dates(min_value=date(2015, 8, 1), max_value=date(2029, 12, 31))


@given(anchor=ANCHORS, count=st.integers(min_value=1, max_value=4))
def test_term_counting_property(anchor: date, count: int) -> None:
    counted = terms_from(anchor, count)
    assert len(counted) == count
    assert counted[0].start >= anchor
    # No term that begins on or after the anchor was skipped.
    assert not [term for term in ALL_TERMS if anchor <= term.start < counted[0].start]
    # The counted terms are consecutive in the calendar.
    first = ALL_TERMS.index(counted[0])
    assert counted == ALL_TERMS[first : first + count]


@given(anchor=ANCHORS)
def test_a_term_running_on_the_anchor_is_never_counted(anchor: date) -> None:
    running = [term for term in ALL_TERMS if term.start < anchor <= term.end]
    assert not set(running) & set(terms_from(anchor, 2))


# England and Wales bank holidays that a calendar-only rule would miss, written out by hand.
ONE_OFF_AND_SUBSTITUTE_DAYS = [
    date(2020, 5, 8),  # early May bank holiday moved to Friday for VE Day 75
    date(2021, 12, 27),  # Christmas Day (Saturday) substitute
    date(2021, 12, 28),  # Boxing Day (Sunday) substitute
    date(2022, 6, 2),  # spring bank holiday moved for the Platinum Jubilee
    date(2022, 6, 3),  # Platinum Jubilee
    date(2022, 9, 19),  # State Funeral of Queen Elizabeth II
    date(2023, 5, 8),  # Coronation of King Charles III
    date(2027, 12, 27),  # Christmas Day (Saturday) substitute
    date(2027, 12, 28),  # Boxing Day (Sunday) substitute
]


@pytest.mark.parametrize("day", ONE_OFF_AND_SUBSTITUTE_DAYS, ids=str)
def test_one_off_and_substitute_bank_holidays_are_known(day: date) -> None:
    assert day in bank_holidays(range(day.year, day.year + 1))


def test_ordinary_days_are_not_bank_holidays() -> None:
    days = bank_holidays(range(2027, 2028))
    assert date(2027, 5, 31) in days  # last Monday in May
    assert date(2027, 6, 1) not in days
    assert date(2022, 5, 30) not in bank_holidays([2022])  # the 2022 spring bank holiday moved to 2 June
    assert date(2027, 3, 17) not in days  # St Patrick's Day is Northern Ireland's, not England's


@settings(max_examples=30)
@given(year=st.integers(min_value=2015, max_value=2035))
def test_easter_and_christmas_bank_holidays_every_year(year: int) -> None:
    days = bank_holidays([year])
    sunday = easter(year)  # computed independently of the holidays package
    assert sunday - timedelta(days=2) in days  # Good Friday
    assert sunday + timedelta(days=1) in days  # Easter Monday
    christmas = date(year, 12, 25)
    # Christmas or, when it falls at a weekend, a weekday substitute on the 27th or 28th.
    assert christmas in days if christmas.weekday() < 5 else {date(year, 12, 27), date(year, 12, 28)} & days
    assert all(day.year == year for day in days)


def test_bank_holidays_refuses_a_non_year() -> None:
    with pytest.raises(ValueError, match="a year must be a whole number"):
        bank_holidays(["2027"])  # type: ignore[list-item]
