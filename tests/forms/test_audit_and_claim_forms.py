"""audit_stage_1/2/3 and claim_batch_review."""

from __future__ import annotations

from typing import Any

import pytest

AUDITS = ["audit_stage_1", "audit_stage_2", "audit_stage_3"]
REQUIRED = (
    [(key, ("result",), "Select the audit result") for key in AUDITS]
    + [("audit_stage_2", ("refer_to_stage_3",), "Select yes if the family needs a Stage 3 audit")]
    + [("claim_batch_review", ("decision",), "Select whether to submit or hold the claim batch")]
)


@pytest.mark.parametrize("key", [*AUDITS, "claim_batch_review"])
def test_a_complete_form_is_stored_as_given(kit: Any, key: str) -> None:
    assert kit.validate(key) == kit.valid(key)


@pytest.mark.parametrize(("key", "path", "message"), REQUIRED)
def test_each_required_answer_has_its_own_message(kit: Any, key: str, path: tuple, message: str) -> None:
    assert kit.errors_without(key, path) == kit.at(path, message)


@pytest.mark.parametrize("key", AUDITS)
def test_a_failed_audit_needs_reasons(kit: Any, key: str) -> None:
    assert kit.errors_with(key, ("result",), "fail") == {"reasons": ["Enter the reasons the audit failed"]}


@pytest.mark.parametrize("key", AUDITS)
def test_a_failed_audit_with_reasons_is_stored(kit: Any, key: str) -> None:
    data = kit.valid(key)
    data.update(result="fail", reasons="No attendance evidence for the autumn term")
    assert kit.validate(key, data)["reasons"] == "No attendance evidence for the autumn term"


@pytest.mark.parametrize("key", AUDITS)
def test_an_unknown_result_is_refused(kit: Any, key: str) -> None:
    assert kit.errors_with(key, ("result",), "passed") == {"result": ["Select the audit result"]}


@pytest.mark.parametrize(("given", "stored"), [("yes", True), ("false", False), (True, True)])
def test_stage_2_records_the_referral_to_stage_3(kit: Any, given: Any, stored: bool) -> None:
    data = kit.valid("audit_stage_2")
    data["refer_to_stage_3"] = given
    assert kit.validate("audit_stage_2", data)["refer_to_stage_3"] is stored


@pytest.mark.parametrize("key", ["audit_stage_1", "audit_stage_3"])
def test_only_stage_2_refers_to_stage_3(kit: Any, key: str) -> None:
    assert kit.errors_with(key, ("refer_to_stage_3",), True) == {"refer_to_stage_3": ["Unknown field."]}


def test_a_held_batch_needs_reasons(kit: Any) -> None:
    assert kit.errors("claim_batch_review", {"decision": "hold"}) == {
        "reasons": ["Enter the reasons for holding the claim batch"]}


def test_a_held_batch_with_reasons_is_stored(kit: Any) -> None:
    data = {"decision": "hold", "reasons": "Two Stage 2 audits outstanding"}
    assert kit.validate("claim_batch_review", data) == data
