"""signposting_evidence and continuous_employment."""

from __future__ import annotations

from typing import Any

import pytest

SIGNPOSTING_REQUIRED = [
    (("contacted_on",), "Enter the date the family was contacted"),
    (("outcome_evidence",), "Enter the evidence of outcomes"),
    (("outcomes_met",), "Add the outcome for at least one indicator"),
    (("outcomes_met", 0, "person_id"), "Select the person"),
    (("outcomes_met", 0, "indicator"), "Select the indicator"),
    (("outcomes_met", 0, "achieved"), "Select yes if the outcome was achieved"),
    (("outcomes_met", 0, "evidence"), "Enter the evidence for this outcome"),
]
EMPLOYMENT_REQUIRED = [
    (("person_id",), "Select the person"),
    (("benefit",), "Select the benefit the person came off"),
    (("employment_started_on",), "Enter the date the employment started"),
    (("off_benefit_on",), "Enter the date the person came off benefit"),
    (("verified",), "Select yes if the continuous employment is verified"),
    (("evidence",), "Enter the evidence checked"),
]


@pytest.mark.parametrize("key", ["signposting_evidence", "continuous_employment"])
def test_a_complete_form_is_stored_as_given(kit: Any, key: str) -> None:
    assert kit.validate(key) == kit.valid(key)


@pytest.mark.parametrize(("key", "path", "message"),
                         [("signposting_evidence", *case) for case in SIGNPOSTING_REQUIRED]
                         + [("continuous_employment", *case) for case in EMPLOYMENT_REQUIRED])
def test_each_required_answer_has_its_own_message(kit: Any, key: str, path: tuple, message: str) -> None:
    assert kit.errors_without(key, path) == kit.at(path, message)


def test_a_contact_date_in_the_future_is_refused(kit: Any) -> None:
    assert kit.errors_with("signposting_evidence", ("contacted_on",), "2027-03-02") == {
        "contacted_on": ["Date the family was contacted must be today or in the past"]}


def test_a_signposting_outcome_for_someone_outside_the_household_is_refused(kit: Any) -> None:
    path = ("outcomes_met", 0, "person_id")
    assert kit.errors_with("signposting_evidence", path, "P-99") == kit.at(
        path, "Select a person from the household")


@pytest.mark.parametrize("benefit", ["jsa", "esa", "income_support", "incapacity", "severe_disablement",
                                     "carers_allowance", "universal_credit"])
def test_every_out_of_work_benefit_is_accepted(kit: Any, benefit: str) -> None:
    data = kit.valid("continuous_employment")
    data["benefit"] = benefit
    assert kit.validate("continuous_employment", data)["benefit"] == benefit


def test_an_unknown_benefit_is_refused(kit: Any) -> None:
    assert kit.errors_with("continuous_employment", ("benefit",), "pension") == {
        "benefit": ["Select the benefit the person came off"]}


def test_employment_that_started_before_the_benefit_ended_is_accepted(kit: Any) -> None:
    """Universal Credit can continue in work until earnings end the claim."""
    data = kit.valid("continuous_employment")
    data.update(benefit="universal_credit", employment_started_on="2026-10-05", off_benefit_on="2027-01-04")
    kit.validate("continuous_employment", data)


def test_employment_that_started_after_the_benefit_ended_is_refused(kit: Any) -> None:
    """A gap with neither benefit nor work is not a move off benefit into work."""
    message = "Employment start date must be on or before the date the person came off benefit"
    assert kit.errors_with("continuous_employment", ("employment_started_on",), "2027-01-05") == {
        "employment_started_on": [message]}


@pytest.mark.parametrize("field", ["employment_started_on", "off_benefit_on"])
def test_the_dates_cannot_be_in_the_future(kit: Any, field: str) -> None:
    data = kit.valid("continuous_employment")
    data.update(employment_started_on="2027-03-02", off_benefit_on="2027-03-02")
    errors = kit.errors("continuous_employment", data)
    assert errors[field][0].endswith("must be today or in the past")


def test_the_person_must_be_in_the_household(kit: Any) -> None:
    assert kit.errors_with("continuous_employment", ("person_id",), "P-99") == {
        "person_id": ["Select a person from the household"]}


def test_the_person_must_be_one_the_worklessness_indicator_applies_to(kit: Any) -> None:
    assert kit.errors_with("continuous_employment", ("person_id",), "P-2") == {
        "person_id": ["Indicator 16 is for adults"]}
