"""Household eligibility (headline issues across members) and who an indicator may be recorded for."""

from __future__ import annotations

import json
from typing import Any

import pytest

from workflows.rules import RULE_FUNCTIONS, eligibility, indicator_applies


def _indicators(*pairs: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"person_id": person, "indicator": number} for person, number in pairs]


@pytest.mark.parametrize(
    ("pairs", "issues", "eligible"),
    [
        ([], [], False),
        ([("mum", 23)], [6], False),
        ([("mum", 23), ("mum", 24), ("son", 26)], [6], False),  # three indicators, one headline issue
        ([("son", 1), ("son", 7)], [1, 2], True),  # two issues on one person are enough
        ([("son", 7), ("dad", 16)], [2, 4], True),
        ([("dad", 22), ("son", 14), ("mum", 19), ("son", 8)], [2, 3, 4, 5], True),
    ],
)
def test_fop_2017_needs_two_headline_issues(pairs: list[tuple[str, int]], issues: list[int], eligible: bool) -> None:
    result = eligibility(_indicators(*pairs))
    assert result == {"framework": "fop-2017", "headline_issues": issues, "eligible": eligible, "minimum": 2}
    assert json.loads(json.dumps(result)) == result


def test_sfof_2022_needs_three() -> None:
    assert eligibility(_indicators(("a", 1), ("b", 9)), "sfof-2022")["eligible"] is False
    assert eligibility(_indicators(("a", 1), ("b", 9), ("c", 10)), "sfof-2022") == {
        "framework": "sfof-2022", "headline_issues": [1, 9, 10], "eligible": True, "minimum": 3,
    }


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"person_id": "p", "indicator": 30}], "framework fop-2017 has no indicator 30"),
        ([{"person_id": "p", "indicator": "7"}], "indicators\\[0\\]: indicator must be a whole number"),
        ([{"person_id": "p", "indicator": True}], "indicator must be a whole number"),
        ([{"indicator": 7}], "indicators\\[0\\]: person_id must be non-empty text"),
        (["7"], "indicators\\[0\\] must be an object"),
    ],
)
def test_eligibility_refusals(items: list[Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        eligibility(items)


def test_eligibility_refuses_an_unknown_framework() -> None:
    with pytest.raises(ValueError, match="unknown framework 'fop-2015'"):
        eligibility([], "fop-2017".replace("7", "5"))


def _person(role: str, born: str) -> dict[str, str]:
    return {"role": role, "date_of_birth": born}


def test_under_16_violence_at_home_is_indicator_11_not_21() -> None:
    child = _person("child", "2013-05-01")
    assert indicator_applies("fop-2017", 21, child, "2027-06-01") == (
        "Indicator 21 (domestic abuse perpetrator) applies to people aged 16 or over; this person is 14. "
        "Record indicator 11 (child needing early help) instead."
    )
    assert indicator_applies("fop-2017", 11, child, "2027-06-01") is None


@pytest.mark.parametrize(
    ("on", "allowed"),
    [("2027-04-30", False), ("2027-05-01", True), ("2030-01-01", True)],
)
def test_the_16th_birthday_is_the_first_day_indicator_21_applies(on: str, allowed: bool) -> None:
    assert (indicator_applies("fop-2017", 21, _person("child", "2011-05-01"), on) is None) is allowed


@pytest.mark.parametrize(("on", "allowed"), [("2025-02-28", True), ("2025-03-01", False)])
def test_a_leap_day_birthday_is_a_year_older_on_1_march_in_a_common_year(on: str, allowed: bool) -> None:
    # Born 29 February 2020: still 4 (so "under 5") on 28 February 2025, 5 on 1 March.
    assert (indicator_applies("fop-2017", 15, _person("child", "2020-02-29"), on) is None) is allowed


@pytest.mark.parametrize(("on", "allowed"), [("2028-02-28", False), ("2028-02-29", True)])
def test_a_leap_day_birthday_in_a_leap_year_is_on_29_february(on: str, allowed: bool) -> None:
    assert (indicator_applies("fop-2017", 21, _person("child", "2012-02-29"), on) is None) is allowed


@pytest.mark.parametrize(("number", "born", "allowed"), [(15, "2022-06-02", True), (15, "2022-06-01", False),
                                                        (29, "2022-06-02", True), (29, "2021-01-01", False)])
def test_under_5_indicators(number: int, born: str, allowed: bool) -> None:
    message = indicator_applies("fop-2017", number, _person("child", born), "2027-06-01")
    if allowed:
        assert message is None
    else:
        assert message is not None and "applies to people aged under 5; this person is" in message


@pytest.mark.parametrize(
    ("number", "role", "message"),
    [
        (1, "adult", "Indicator 1 (child who has committed a proven offence) applies to children; "
                     "this person is recorded as an adult."),
        (16, "child", "Indicator 16 (adult on out-of-work benefits) applies to adults; "
                      "this person is recorded as a child."),
        (2, "adult", None),
        (2, "child", None),
        (22, "child", None),  # household-level: any member
        (19, "adult", None),
    ],
)
def test_roles(number: int, role: str, message: str | None) -> None:
    assert indicator_applies("fop-2017", number, _person(role, "1990-01-01"), "2027-06-01") == message


def test_the_date_of_birth_is_needed_only_for_age_limited_indicators() -> None:
    assert indicator_applies("fop-2017", 23, {"role": "adult"}, "2027-06-01") is None
    with pytest.raises(ValueError, match="date_of_birth '' must be a date written YYYY-MM-DD"):
        indicator_applies("fop-2017", 21, {"role": "adult"}, "2027-06-01")


@pytest.mark.parametrize(
    ("number", "person", "on", "message"),
    [
        (21, {"role": "parent", "date_of_birth": "1990-01-01"}, "2027-06-01", "role of 'adult' or 'child'"),
        (21, _person("child", "2013-05-01"), "2012-01-01", "is before the date of birth"),
        (21, _person("child", "01/05/2013"), "2027-06-01", "date_of_birth '01/05/2013' must be a date"),
        (21, _person("child", "2013-05-01"), "2027-06-01T10:00:00+01:00", "on '2027-06-01T10:00:00\\+01:00' must"),
        (40, _person("child", "2013-05-01"), "2027-06-01", "has no indicator 40"),
        (True, _person("child", "2013-05-01"), "2027-06-01", "indicator must be a whole number"),
    ],
)
def test_indicator_applies_refusals(number: int, person: dict[str, str], on: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        indicator_applies("fop-2017", number, person, on)


def test_rule_functions_are_exactly_the_script_api() -> None:
    assert set(RULE_FUNCTIONS) == {
        "eligibility",
        "indicator_applies",
        "sustained_at",
        "window_end",
        "due_in_working_days",
        "next_claim_window",
        "draw_audit_sample",
        "redraw_audit_sample",
    }
    assert all(function.__name__ == name for name, function in RULE_FUNCTIONS.items())
