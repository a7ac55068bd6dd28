"""closure_summary and closure_approval."""

from __future__ import annotations

from typing import Any

import pytest

SUMMARY_REQUIRED = [
    (("closed_on",), "Enter the date the case closed"),
    (("summary",), "Enter the closure summary"),
    (("outcomes",), "Add the outcome for at least one indicator"),
    (("outcomes", 0, "person_id"), "Select the person"),
    (("outcomes", 0, "indicator"), "Select the indicator"),
    (("outcomes", 0, "achieved"), "Select yes if the outcome was achieved"),
    (("outcomes", 0, "evidence"), "Enter the evidence for this outcome"),
    (("evidence",), "Enter the supporting evidence"),
]
APPROVAL_REQUIRED = [
    (("decision",), "Select whether to approve or return the closure summary"),
]


@pytest.mark.parametrize("key", ["closure_summary", "closure_approval"])
def test_a_complete_form_is_stored_as_given(kit: Any, key: str) -> None:
    assert kit.validate(key) == kit.valid(key)


@pytest.mark.parametrize(("key", "path", "message"),
                         [("closure_summary", *case) for case in SUMMARY_REQUIRED]
                         + [("closure_approval", *case) for case in APPROVAL_REQUIRED])
def test_each_required_answer_has_its_own_message(kit: Any, key: str, path: tuple, message: str) -> None:
    assert kit.errors_without(key, path) == kit.at(path, message)


def test_a_closure_date_in_the_future_is_refused(kit: Any) -> None:
    assert kit.errors_with("closure_summary", ("closed_on",), "2027-03-02") == {
        "closed_on": ["Date the case closed must be today or in the past"]}


def test_an_outcome_for_someone_outside_the_household_is_refused(kit: Any) -> None:
    path = ("outcomes", 0, "person_id")
    assert kit.errors_with("closure_summary", path, "P-99") == kit.at(
        path, "Select a person from the household")


def test_an_outcome_is_given_once_per_person_and_indicator(kit: Any) -> None:
    data = kit.valid("closure_summary")
    data["outcomes"].append(dict(data["outcomes"][0]))
    assert kit.errors("closure_summary", data) == {
        "outcomes": {1: {"indicator": ["This indicator is already recorded for this person"]}}}


def test_a_returned_closure_needs_reasons(kit: Any) -> None:
    assert kit.errors("closure_approval", {"decision": "return"}) == {
        "reasons": ["Enter the reasons for returning the closure summary"]}


def test_a_returned_closure_with_reasons_is_stored(kit: Any) -> None:
    assert kit.validate("closure_approval", {"decision": "return", "reasons": "No attendance evidence"}) == {
        "decision": "return", "reasons": "No attendance evidence", "evidence_checked": False}


@pytest.mark.parametrize("evidence_checked", [False, "false", None])
def test_an_approval_needs_the_evidence_checked(kit: Any, evidence_checked: Any) -> None:
    data = {"decision": "approve", "evidence_checked": evidence_checked}
    assert kit.errors("closure_approval", data) == {
        "evidence_checked": ["Confirm all relevant evidence is available before you approve"]}


def test_an_unknown_decision_is_refused(kit: Any) -> None:
    assert kit.errors_with("closure_approval", ("decision",), "approved") == {
        "decision": ["Select whether to approve or return the closure summary"]}


def test_each_indicator_the_assessment_recorded_needs_an_outcome(kit: Any) -> None:
    """Indicators confirmed or found at the assessment joined the family's: each is an outcome to achieve."""
    context = {**kit.workflow_data(), "assessment": {"indicators": [
        {"person_id": "P-2", "indicator": 7, "evidence": "71%"},
        {"person_id": "P-1", "indicator": 22, "evidence": "Police notification"}]}}
    assert kit.errors("closure_summary", kit.valid("closure_summary"), context) == {
        "outcomes": ["Add the outcome for indicator 22 for Sam Smith: the assessment identified it"]}


def test_each_indicator_the_parenting_plan_added_needs_an_outcome(kit: Any) -> None:
    context = {**kit.workflow_data(), "pft_identified": {"found": [{"person_id": "P-3", "indicator": 8}]}}
    assert kit.errors("closure_summary", kit.valid("closure_summary"), context) == {
        "outcomes": ["Add the outcome for indicator 8 for Jo Smith: the plan of intervention identified it"]}
