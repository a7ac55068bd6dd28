"""The rules of the plan, review and closure forms that need the family and the team:
a target for each identified indicator, a next review within the team's cadence or with a reason (never
in the past), closure outcomes exactly for the plan's indicators. Messages are on the field."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from marshmallow import ValidationError

from forms.registry import FormRegistry, default_registry
from tests.forms.conftest import TODAY, VALID, WORKFLOW_DATA, fake_indicator_check

REF = "F-2027-000042"
# Recorded on the family: Sam's police call-outs (22) and worklessness (16), Alex's attendance (7).
ON_THE_FAMILY = [{"person_id": "P-1", "indicator": 22}, {"person_id": "P-1", "indicator": 16},
                 {"person_id": "P-2", "indicator": 7}]
CADENCE = {"newark-ehcm": 3, "pft-team": 4}
PLANS = ["action_plan", "pft_plan"]


def _registry() -> FormRegistry:
    return default_registry(
        indicator_check=fake_indicator_check, today=lambda: TODAY,
        family_indicators=lambda ref: copy.deepcopy(ON_THE_FAMILY) if ref == REF else [],
        review_cadence=lambda team: CADENCE.get(team or "", 3))


def _context(**extra: Any) -> dict[str, Any]:
    data = copy.deepcopy(WORKFLOW_DATA)
    data.update({"family_ref": REF, "allocation": copy.deepcopy(VALID["allocation"]), **extra})
    return data


def _errors(key: str, data: Mapping[str, Any], context: Mapping[str, Any]) -> Any:
    with pytest.raises(ValidationError) as raised:
        _registry().validate(key, data, context)
    return raised.value.messages


def _target(person: str, indicator: int) -> dict[str, Any]:
    return {"indicator": indicator, "person_id": person, "target": "Agreed with the family", "by_date": "2027-07-20"}


def _outcome(person: str, indicator: int) -> dict[str, Any]:
    return {"person_id": person, "indicator": indicator, "achieved": True, "evidence": "On the case record"}


def _plan(key: str, targets: Sequence[tuple[str, int]], **changes: Any) -> dict[str, Any]:
    plan = copy.deepcopy(VALID[key])
    plan["targets"] = [_target(person, n) for person, n in targets]
    plan.update(changes)
    return plan


ALL_THREE = [("P-1", 22), ("P-1", 16), ("P-2", 7)]


# -- (a) the plan: a target for each identified indicator -----------------------------------------

@pytest.mark.parametrize("key", PLANS)
def test_a_plan_with_one_target_for_three_indicators_names_the_two_without_one(key: str) -> None:
    assert _errors(key, _plan(key, [("P-2", 7)]), _context()) == {"targets": [
        "Add a target for each of the family's indicators: there is none for indicator 22 for Sam Smith "
        "and indicator 16 for Sam Smith"]}


@pytest.mark.parametrize("key", PLANS)
def test_a_plan_with_a_target_for_each_indicator_is_accepted(key: str) -> None:
    plan = _plan(key, [*ALL_THREE, ("P-2", 7)])  # two targets for one indicator are fine
    assert _registry().validate(key, plan, _context()) == plan


def test_an_indicator_the_assessment_found_needs_a_target_too() -> None:
    assessment = copy.deepcopy(VALID["assessment"])
    assessment["indicators"] = [{"person_id": "P-3", "indicator": 7, "evidence": "Attendance 80%"}]
    assert _errors("action_plan", _plan("action_plan", ALL_THREE), _context(assessment=assessment)) == {
        "targets": ["Add a target for each of the family's indicators: there is none for indicator 7 for Jo Smith"]}


def test_a_target_row_error_and_a_missing_indicator_are_both_said() -> None:
    plan = _plan("action_plan", [("P-2", 7), ("P-99", 22)])
    assert _errors("action_plan", plan, _context()) == {"targets": {
        1: {"person_id": ["Select a person from the household"]},
        "_schema": ["Add a target for each of the family's indicators: there is none for indicator 22 for Sam "
                    "Smith and indicator 16 for Sam Smith"]}}


# -- (b) the next review: within the team's cadence, or a reason; never in the past -----------------

NINE_MONTHS = "2027-12-01"  # TODAY is 1 March 2027
LATER = ("Enter why the review is after 1 June 2027, or choose an earlier date: the team reviews every 3 months")


def _review(**changes: Any) -> dict[str, Any]:
    review = copy.deepcopy(VALID["review"])
    review.update(changes)
    return review


def test_a_review_nine_months_away_needs_a_reason() -> None:
    assert _errors("review", _review(review_date=NINE_MONTHS), _context()) == {"review_date_reason": [LATER]}


def test_a_review_nine_months_away_with_a_reason_is_kept_as_given() -> None:
    review = _review(review_date=NINE_MONTHS, review_date_reason="Sam is in hospital until November")
    assert _registry().validate("review", review, _context()) == review


def test_the_last_day_of_the_cadence_needs_no_reason() -> None:
    review = _review(review_date="2027-06-01")
    assert _registry().validate("review", review, _context()) == review


def test_the_cadence_is_the_teams() -> None:
    """The Parenting and Family Team reviews every 4 months (its team is the task data's ``team``)."""
    context = _context(team="pft-team")
    del context["allocation"]
    assert _registry().validate("review", _review(review_date="2027-07-01"), context)["review_date"] == "2027-07-01"
    assert _errors("review", _review(review_date="2027-07-02"), context) == {"review_date_reason": [
        "Enter why the review is after 1 July 2027, or choose an earlier date: the team reviews every 4 months"]}


def test_a_next_review_in_the_past_is_refused() -> None:
    review = _review(reviewed_on="2027-02-01", review_date="2027-02-28",
                     review_date_reason="Reason given but the date has gone")
    assert _errors("review", review, _context()) == {
        "review_date": ["Next review date must be today or in the future"]}


def test_a_family_ready_to_close_has_no_next_review_to_judge() -> None:
    review = _review(ready_to_close=True, review_date=NINE_MONTHS)
    assert _registry().validate("review", review, _context())["ready_to_close"] is True


@pytest.mark.parametrize("key", PLANS)
def test_a_plan_review_nine_months_away_needs_a_reason(key: str) -> None:
    assert _errors(key, _plan(key, ALL_THREE, review_date=NINE_MONTHS), _context()) == {
        "review_date_reason": [LATER]}
    plan = _plan(key, ALL_THREE, review_date=NINE_MONTHS, review_date_reason="Family abroad until November")
    assert _registry().validate(key, plan, _context()) == plan


@pytest.mark.parametrize("key", PLANS)
def test_a_plan_review_in_the_past_is_refused(key: str) -> None:
    plan = _plan(key, ALL_THREE, agreed_on="2027-02-01", review_date="2027-02-28")
    assert _errors(key, plan, _context()) == {"review_date": ["Review date must be today or in the future"]}


# -- (c) closure: outcomes exactly for the plan's indicators ------------------------------------

def _closure(outcomes: Sequence[tuple[str, int]]) -> dict[str, Any]:
    closure = copy.deepcopy(VALID["closure_summary"])
    closure["outcomes"] = [_outcome(person, n) for person, n in outcomes]
    return closure


@pytest.mark.parametrize("key", PLANS)
def test_closure_outcomes_exactly_for_the_plans_indicators_are_accepted(key: str) -> None:
    closure = _closure([("P-2", 7), ("P-1", 22), ("P-1", 16)])
    assert _registry().validate("closure_summary", closure, _context(**{key: _plan(key, ALL_THREE)})) == closure


@pytest.mark.parametrize("key", PLANS)
def test_an_outcome_not_in_the_plan_and_a_missing_one_are_each_named(key: str) -> None:
    context = _context(**{key: _plan(key, [("P-1", 22), ("P-2", 7)])})
    assert _errors("closure_summary", _closure([("P-2", 7), ("P-1", 19)]), context) == {"outcomes": {
        1: {"indicator": ["Indicator 19 for Sam Smith is not in the plan: remove this outcome"]},
        "_schema": ["Add an outcome for each indicator in the plan: there is none for indicator 22 for Sam Smith"]}}


def test_a_missing_outcome_alone_is_said_on_the_outcomes() -> None:
    context = _context(action_plan=_plan("action_plan", ALL_THREE))
    assert _errors("closure_summary", _closure([("P-2", 7)]), context) == {"outcomes": [
        "Add an outcome for each indicator in the plan: there is none for indicator 22 for Sam Smith "
        "and indicator 16 for Sam Smith"]}


def test_indicators_of_people_outside_this_households_referral_are_not_asked_for() -> None:
    """A re-referral brings its own people: the family's earlier indicators name people this form cannot."""
    context = _context()
    context["referral"]["household"] = [p for p in context["referral"]["household"] if p["person_id"] == "P-2"]
    plan = _plan("action_plan", [("P-2", 7)])
    assert _registry().validate("action_plan", plan, context) == plan
