"""action_plan and pft_plan: SMART targets linked to the Family Outcomes Plan."""

from __future__ import annotations

from typing import Any

import pytest

PLANS = ["action_plan", "pft_plan"]
PLAN_REQUIRED = [
    (("agreed_on",), "Enter the date the plan was agreed"),
    (("targets",), "Add at least one target"),
    (("targets", 0, "indicator"), "Select the indicator"),
    (("targets", 0, "person_id"), "Select the person"),
    (("targets", 0, "target"), "Enter the target"),
    (("targets", 0, "by_date"), "Enter the target date"),
    (("review_date",), "Enter the review date"),
]
PFT_ONLY_REQUIRED = [(("intervention",), "Enter the plan of intervention")]


@pytest.mark.parametrize("key", PLANS)
def test_a_complete_plan_is_stored_as_given(kit: Any, key: str) -> None:
    assert kit.validate(key) == kit.valid(key)


@pytest.mark.parametrize(("key", "path", "message"),
                         [(key, *case) for key in PLANS for case in PLAN_REQUIRED]
                         + [("pft_plan", *case) for case in PFT_ONLY_REQUIRED])
def test_each_required_answer_has_its_own_message(kit: Any, key: str, path: tuple, message: str) -> None:
    assert kit.errors_without(key, path) == kit.at(path, message)


@pytest.mark.parametrize("key", PLANS)
def test_an_empty_target_list_is_refused(kit: Any, key: str) -> None:
    assert kit.errors_with(key, ("targets",), []) == {"targets": ["Add at least one target"]}


@pytest.mark.parametrize("key", PLANS)
def test_a_target_date_before_the_plan_was_agreed_is_refused(kit: Any, key: str) -> None:
    path = ("targets", 0, "by_date")
    assert kit.errors_with(key, path, "2027-02-24") == kit.at(
        path, "Target date must be on or after the date the plan was agreed")


@pytest.mark.parametrize("key", PLANS)
def test_a_target_may_be_due_the_day_the_plan_was_agreed(kit: Any, key: str) -> None:
    data = kit.valid(key)
    data["targets"][0]["by_date"] = data["agreed_on"]
    kit.validate(key, data)


@pytest.mark.parametrize("key", PLANS)
@pytest.mark.parametrize("review_date", ["2027-02-25", "2027-02-01"])
def test_the_review_comes_after_the_plan_was_agreed(kit: Any, key: str, review_date: str) -> None:
    assert kit.errors_with(key, ("review_date",), review_date) == {
        "review_date": ["Review date must be after the date the plan was agreed"]}


@pytest.mark.parametrize("key", PLANS)
def test_the_plan_cannot_be_agreed_in_the_future(kit: Any, key: str) -> None:
    assert kit.errors_with(key, ("agreed_on",), "2027-03-02") == {
        "agreed_on": ["Date agreed with the family must be today or in the past"]}


@pytest.mark.parametrize("key", PLANS)
def test_a_target_for_someone_outside_the_household_is_refused(kit: Any, key: str) -> None:
    path = ("targets", 0, "person_id")
    assert kit.errors_with(key, path, "P-99") == kit.at(path, "Select a person from the household")


@pytest.mark.parametrize("key", PLANS)
def test_a_target_indicator_must_apply_to_the_person(kit: Any, key: str) -> None:
    path = ("targets", 0, "indicator")
    assert kit.errors_with(key, path, 21) == kit.at(
        path, "Indicator 21 is for people aged 16 or over: record indicator 11 for a younger child")
