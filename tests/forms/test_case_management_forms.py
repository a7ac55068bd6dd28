"""allocation, assessment and review."""

from __future__ import annotations

from typing import Any

import pytest

ALLOCATION_REQUIRED = [
    (("case_manager",), "Select the case manager"),
    (("team",), "Select the team"),
]
ASSESSMENT_REQUIRED = [
    (("assessed_on",), "Enter the date of the assessment"),
    (("all_members_included",), "Confirm every member of the household was included in the assessment"),
    (("summary",), "Enter how the family meets the criteria"),
    (("indicators", 0, "person_id"), "Select the person"),
    (("indicators", 0, "indicator"), "Select the indicator"),
    (("indicators", 0, "evidence"), "Enter the evidence for this indicator"),
]
REVIEW_REQUIRED = [
    (("reviewed_on",), "Enter the date of the review"),
    (("progress",), "Add progress for at least one target"),
    (("progress", 0, "person_id"), "Select the person"),
    (("progress", 0, "indicator"), "Select the indicator"),
    (("progress", 0, "status"), "Select the progress made"),
    (("progress", 0, "evidence"), "Enter the evidence of progress"),
    (("next_steps",), "Enter the next steps"),
    (("ready_to_close",), "Select yes if the family is ready to close"),
]


@pytest.mark.parametrize("key", ["allocation", "assessment", "review"])
def test_a_complete_form_is_stored_as_given(kit: Any, key: str) -> None:
    assert kit.validate(key) == kit.valid(key)


@pytest.mark.parametrize(("key", "path", "message"),
                         [("allocation", *case) for case in ALLOCATION_REQUIRED]
                         + [("assessment", *case) for case in ASSESSMENT_REQUIRED]
                         + [("review", *case) for case in REVIEW_REQUIRED])
def test_each_required_answer_has_its_own_message(kit: Any, key: str, path: tuple, message: str) -> None:
    assert kit.errors_without(key, path) == kit.at(path, message)


def test_the_assessment_needs_every_member_included(kit: Any) -> None:
    assert kit.errors_with("assessment", ("all_members_included",), False) == {
        "all_members_included": ["Confirm every member of the household was included in the assessment"]}


def test_an_assessment_date_in_the_future_is_refused(kit: Any) -> None:
    assert kit.errors_with("assessment", ("assessed_on",), "2027-03-02") == {
        "assessed_on": ["Date of the assessment must be today or in the past"]}


def test_the_assessment_checks_indicators_against_the_person(kit: Any) -> None:
    data = kit.valid("assessment")
    data["indicators"].append({"person_id": "P-2", "indicator": 21, "evidence": "Violent at home"})
    assert kit.errors("assessment", data) == {"indicators": {1: {"indicator": [
        "Indicator 21 is for people aged 16 or over: record indicator 11 for a younger child"]}}}


def test_the_assessment_checks_the_person_is_in_the_household(kit: Any) -> None:
    path = ("indicators", 0, "person_id")
    assert kit.errors_with("assessment", path, "P-99") == kit.at(path, "Select a person from the household")


def test_the_assessment_records_benefits_from_the_list(kit: Any) -> None:
    assert kit.errors_with("assessment", ("benefits",), ["jsa", "pension"]) == {
        "benefits": {1: ["Select benefits received from the list"]}}


def test_the_assessment_stores_no_benefits_as_an_empty_list(kit: Any) -> None:
    data = kit.valid("assessment")
    del data["benefits"]
    assert kit.validate("assessment", data)["benefits"] == []


def test_a_review_that_keeps_the_family_open_needs_the_next_review_date(kit: Any) -> None:
    assert kit.errors_without("review", ("review_date",)) == {
        "review_date": ["Enter the date of the next review"]}


def test_a_family_ready_to_close_needs_no_next_review(kit: Any) -> None:
    data = kit.valid("review")
    del data["review_date"]
    data["ready_to_close"] = "yes"
    assert kit.validate("review", data)["ready_to_close"] is True


@pytest.mark.parametrize("review_date", ["2027-02-28", "2027-01-31"])
def test_the_next_review_comes_after_this_one(kit: Any, review_date: str) -> None:
    assert kit.errors_with("review", ("review_date",), review_date) == {
        "review_date": ["Next review date must be after the date of this review"]}


def test_review_progress_is_for_someone_in_the_household(kit: Any) -> None:
    path = ("progress", 0, "person_id")
    assert kit.errors_with("review", path, "P-99") == kit.at(path, "Select a person from the household")


def test_review_progress_is_one_of_the_statuses(kit: Any) -> None:
    path = ("progress", 0, "status")
    assert kit.errors_with("review", path, "great") == kit.at(path, "Select the progress made")
