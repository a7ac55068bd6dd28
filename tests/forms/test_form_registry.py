from __future__ import annotations

import copy
import json
from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields
from marshmallow.experimental.context import Context

from forms import FormRegistry, default_registry
from forms.context import current, london_today

LIFECYCLE_KEYS = [
    "referral", "triage", "allocation", "assessment", "action_plan", "review", "closure_summary",
    "closure_approval", "pft_plan", "signposting_evidence", "continuous_employment", "audit_stage_1",
    "audit_stage_2", "audit_stage_3", "claim_batch_review", "renewed_progress", "audit_evidence",
    "identification_check", "triage_escalation",
]
# Where each form keeps a date, to check it is stored as an ISO string.
DATE_PATHS = {
    "referral": ("household", 0, "date_of_birth"),
    "assessment": ("assessed_on",),
    "action_plan": ("targets", 0, "by_date"),
    "review": ("review_date",),
    "closure_summary": ("closed_on",),
    "pft_plan": ("review_date",),
    "signposting_evidence": ("contacted_on",),
    "continuous_employment": ("off_benefit_on",),
    "renewed_progress": ("renewed_on",),
    "audit_evidence": ("provided_on",),
}


def _at(data: Any, path: tuple) -> Any:
    for step in path:
        data = data[step]
    return data


def test_the_default_registry_holds_every_lifecycle_form_in_order(registry: FormRegistry) -> None:
    assert registry.keys() == LIFECYCLE_KEYS
    assert list(registry) == LIFECYCLE_KEYS
    assert len(registry) == len(LIFECYCLE_KEYS)


def test_the_registry_is_a_collection_of_keys(registry: FormRegistry) -> None:
    assert isinstance(registry, Collection)
    assert "triage" in registry
    assert "nothing" not in registry
    assert 3 not in registry
    assert ["triage"] not in registry


@pytest.mark.parametrize("method", ["schema", "json_schema", "fields", "title"])
def test_an_unknown_key_raises_key_error(registry: FormRegistry, method: str) -> None:
    with pytest.raises(KeyError, match="no form 'nothing' in the registry"):
        getattr(registry, method)("nothing")


def test_validating_an_unknown_form_raises_key_error(registry: FormRegistry) -> None:
    with pytest.raises(KeyError):
        registry.validate("nothing", {})


def test_schema_gives_a_fresh_schema_each_time(registry: FormRegistry) -> None:
    first, second = registry.schema("triage"), registry.schema("triage")
    assert isinstance(first, Schema) and first is not second


def test_every_form_has_a_title(registry: FormRegistry) -> None:
    assert registry.title("closure_approval") == "Approve the closure summary"
    assert all(registry.title(key) != key for key in registry)


class _Note(Schema):
    text = fields.Str(required=True)


def test_a_registry_can_hold_any_schemas() -> None:
    registry = FormRegistry({"note": _Note})
    assert registry.keys() == ["note"]
    assert registry.validate("note", {"text": "hi"}) == {"text": "hi"}
    assert FormRegistry().keys() == []


@pytest.mark.parametrize("key", ["bad-key", "1st", "", "has space"])
def test_a_key_must_be_an_identifier(key: str) -> None:
    with pytest.raises(ValueError, match="not an identifier"):
        FormRegistry({key: _Note})


def test_a_form_must_be_a_schema_class() -> None:
    with pytest.raises(TypeError, match="not a marshmallow Schema class"):
        FormRegistry({"note": _Note()})  # type: ignore[dict-item]


@pytest.mark.parametrize("key", LIFECYCLE_KEYS)
def test_the_stored_data_is_json_safe(kit: Any, key: str) -> None:
    stored = kit.validate(key)
    assert json.loads(json.dumps(stored)) == stored


@pytest.mark.parametrize(("key", "path"), sorted(DATE_PATHS.items()))
def test_dates_are_stored_as_iso_strings(kit: Any, key: str, path: tuple) -> None:
    data = kit.valid(key)
    parent = _at(data, path[:-1])
    parent[path[-1]] = date.fromisoformat(parent[path[-1]])  # a date object is accepted too
    stored = _at(kit.validate(key, data), path)
    assert isinstance(stored, str) and stored == date.fromisoformat(stored).isoformat()


@pytest.mark.parametrize("key", LIFECYCLE_KEYS)
def test_stored_data_validates_again_unchanged(kit: Any, key: str) -> None:
    stored = kit.validate(key)
    assert kit.validate(key, stored) == stored


@pytest.mark.parametrize("key", LIFECYCLE_KEYS)
def test_validation_changes_neither_the_data_nor_the_context(kit: Any, key: str) -> None:
    data, context = kit.valid(key), kit.workflow_data()
    data_before, context_before = copy.deepcopy(data), copy.deepcopy(context)
    kit.registry.validate(key, data, context)
    with pytest.raises(ValidationError):
        kit.registry.validate(key, {**data, "unknown_answer": "x"}, context)
    assert data == data_before and context == context_before


@pytest.mark.parametrize("key", LIFECYCLE_KEYS)
def test_an_empty_submission_never_gets_marshmallow_default_messages(kit: Any, key: str) -> None:
    text = json.dumps(kit.errors(key, {}))
    assert "Missing data for required field" not in text
    assert "Field may not be null" not in text


@pytest.mark.parametrize("data", [[], "triage", None])
def test_data_that_is_not_an_object_is_refused(registry: FormRegistry, data: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        registry.validate("triage", data)
    assert raised.value.messages == {"_schema": ["Invalid input type."]}


def test_an_unknown_answer_is_refused(kit: Any) -> None:
    data = {**kit.valid("allocation"), "csrf_token": "abc"}
    assert kit.errors("allocation", data) == {"csrf_token": ["Unknown field."]}


def test_the_context_lasts_only_for_the_validation(kit: Any) -> None:
    kit.validate("triage")
    assert Context.get(None) is None
    assert current().data == {} and current().indicator_check is None


def test_today_defaults_to_the_date_in_london(kit: Any) -> None:
    assert current().today == london_today()
    tomorrow = london_today() + timedelta(days=1)
    data = {**kit.valid("signposting_evidence"), "contacted_on": tomorrow.isoformat()}
    with pytest.raises(ValidationError) as raised:
        default_registry().validate("signposting_evidence", data, kit.workflow_data())
    assert raised.value.messages == {
        "contacted_on": ["Date the family was contacted must be today or in the past"]}
