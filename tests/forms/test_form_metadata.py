"""Render metadata (FieldSpec) and the JSON Schema agree with each form's marshmallow schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from marshmallow import Schema, fields

from forms import FieldSpec, FormRegistry
from forms.fields import WIDGETS
from forms.registry import LIFECYCLE_FORMS

KEYS = list(LIFECYCLE_FORMS)
CHOOSING = {"radios", "select", "checkboxes"}
GROUPING = {"add_another", "fieldset"}


def _walk(specs: list[FieldSpec] | tuple[FieldSpec, ...], prefix: str = "") -> list[tuple[str, FieldSpec]]:
    found = []
    for spec in specs:
        found.append((prefix + spec.name, spec))
        found += _walk(spec.children, prefix + spec.name + ".")
    return found


def _schema_fields(schema: Schema, prefix: str = "") -> list[tuple[str, fields.Field]]:
    found = []
    for name, field in schema.fields.items():
        found.append((prefix + name, field))
        if isinstance(field, fields.Nested):
            found += _schema_fields(field.schema, prefix + name + ".")
    return found


@pytest.mark.parametrize("key", KEYS)
def test_every_question_has_a_label_and_a_known_widget(registry: FormRegistry, key: str) -> None:
    for path, spec in _walk(registry.fields(key)):
        assert spec.label and spec.label != spec.name, path
        assert spec.widget in WIDGETS, path
        if spec.widget in CHOOSING:
            assert spec.choices or spec.choices_from, path
        assert bool(spec.children) == (spec.widget in GROUPING), path


@pytest.mark.parametrize("key", KEYS)
def test_fields_follow_the_declaration_order(registry: FormRegistry, key: str) -> None:
    assert [name for name, _ in _walk(registry.fields(key))] == [
        name for name, _ in _schema_fields(registry.schema(key))]


@pytest.mark.parametrize("key", KEYS)
def test_every_required_field_has_its_own_message(registry: FormRegistry, key: str) -> None:
    for path, field in _schema_fields(registry.schema(key)):
        if field.required:
            message = field.error_messages["required"]
            assert isinstance(message, str), path
            assert message != fields.Field.default_error_messages["required"], path
            assert message.startswith(("Enter", "Select", "Add", "Confirm")), path


def test_household_rows_are_nested_add_another_rows(registry: FormRegistry) -> None:
    household = next(spec for spec in registry.fields("referral") if spec.name == "household")
    assert household.widget == "add_another" and household.required
    assert [child.name for child in household.children] == [
        "given_name", "family_name", "date_of_birth", "relationship", "role", "gender"]
    role = household.children[4]
    assert role.widget == "radios" and role.choices == (("adult", "Adult"), ("child", "Child"))
    # A date of birth's example is a birthday, not a date still to come (GOV.UK's date input pattern).
    assert household.children[2].hint == "For example, 27 3 2007"


def test_choices_carry_values_and_labels(registry: FormRegistry) -> None:
    district = next(spec for spec in registry.fields("referral") if spec.name == "district")
    assert ("newark_and_sherwood", "Newark and Sherwood") in district.choices and len(district.choices) == 7
    triage = {spec.name: spec for spec in registry.fields("triage")}
    indicator = next(child for child in triage["indicators"].children if child.name == "indicator")
    assert [value for value, _ in indicator.choices] == list(range(1, 30))
    person = next(child for child in triage["indicators"].children if child.name == "person_id")
    assert person.choices_from == "household"


@pytest.mark.parametrize("key", KEYS)
def test_field_specs_are_json_safe(registry: FormRegistry, key: str) -> None:
    json.dumps([spec.to_dict() for spec in registry.fields(key)])


def _check_properties(
    document: dict[str, Any], specs: tuple[FieldSpec, ...] | list[FieldSpec], path: str
) -> None:
    assert document["type"] == "object", path
    assert list(document["properties"]) == [spec.name for spec in specs], path
    assert sorted(document.get("required", [])) == sorted(spec.name for spec in specs if spec.required), path
    for spec in specs:
        prop = document["properties"][spec.name]
        assert prop["title"] == spec.label and prop["x-widget"] == spec.widget, f"{path}.{spec.name}"
        if spec.hint:
            assert prop["description"] == spec.hint
        if spec.choices:
            assert prop["x-choices"] == [list(pair) for pair in spec.choices]
        if spec.widget == "add_another":
            assert prop["type"] == "array"
            _check_properties(prop["items"], spec.children, f"{path}.{spec.name}[]")
        elif spec.widget == "fieldset":
            _check_properties(prop, spec.children, f"{path}.{spec.name}")


@pytest.mark.parametrize("key", KEYS)
def test_the_json_schema_describes_every_field(registry: FormRegistry, key: str) -> None:
    document = registry.json_schema(key)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["title"] == registry.title(key)
    assert document["additionalProperties"] is False
    _check_properties(document, registry.fields(key), key)
    json.dumps(document)


def test_the_json_schema_gives_enums_formats_and_ranges(registry: FormRegistry) -> None:
    triage = registry.json_schema("triage")["properties"]
    assert triage["route"]["enum"] == ["case_management", "parenting_family_team", "signpost_internal",
                                       "signpost_external", "no_further_action"]
    assert triage["match"]["pattern"] == r"^(?:new|F-\d{4}-\d{6})$"
    indicator = triage["indicators"]["items"]["properties"]["indicator"]
    assert (indicator["type"], indicator["minimum"], indicator["maximum"]) == ("integer", 1, 29)
    review = registry.json_schema("review")["properties"]
    assert review["review_date"] == {"type": "string", "format": "date", "title": "Next review date",
                                     "description": "Not needed if the family is ready to close",
                                     "x-widget": "date", "x-minimum": "1900-01-01", "x-maximum": "2199-12-31"}
    assert review["ready_to_close"]["type"] == "boolean"
    assert registry.json_schema("referral")["properties"]["consent"]["enum"] == [True]


def test_the_json_schema_is_a_fresh_copy(registry: FormRegistry) -> None:
    registry.json_schema("triage")["properties"].clear()
    assert registry.json_schema("triage")["properties"]
