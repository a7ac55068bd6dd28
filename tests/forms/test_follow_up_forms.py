"""The follow-up forms: renewed progress after a broken window, evidence after a Stage 1 fail."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from forms.registry import FormRegistry


def _errors(registry: FormRegistry, key: str, data: dict[str, object]) -> dict[str, object]:
    with pytest.raises(ValidationError) as raised:
        registry.validate(key, data, {})
    return raised.value.messages  # type: ignore[return-value]


def test_renewed_progress_needs_its_date_only_when_renewed(registry: FormRegistry) -> None:
    assert _errors(registry, "renewed_progress", {"renewed": True, "evidence": "Back in work"}) == {
        "renewed_on": ["Enter the date progress was re-established"]}
    assert registry.validate("renewed_progress", {"renewed": False, "evidence": "No contact"}, {}) == {
        "renewed": False, "evidence": "No contact"}
    assert _errors(registry, "renewed_progress", {}) == {
        "renewed": ["Select yes if the family has made renewed progress"],
        "evidence": ["Enter the evidence of renewed progress (or why there is none)"]}


def test_audit_evidence_needs_the_evidence_and_its_date(registry: FormRegistry) -> None:
    assert _errors(registry, "audit_evidence", {}) == {
        "evidence": ["Enter the evidence provided for the audit"],
        "provided_on": ["Enter the date the evidence was provided"]}


def test_the_identification_check_must_be_confirmed(registry: FormRegistry) -> None:
    assert _errors(registry, "identification_check", {"data_checked": False}) == {
        "data_checked": ["Confirm the family's data has been checked"]}
