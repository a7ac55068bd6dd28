"""Render metadata: what the web layer needs to draw a form, read from the schema's fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields


@dataclass(frozen=True)
class FieldSpec:
    """One question. ``children`` holds the questions of an ``add_another`` row or a ``fieldset``.

    ``required`` is the field's own requirement; conditional ones (reasons when returning) are
    cross-field rules, described in the ``hint``.
    """

    name: str
    label: str
    widget: str
    required: bool
    hint: str | None = None
    choices: tuple[tuple[Any, str], ...] = ()
    choices_from: str | None = None
    autocomplete: str | None = None
    children: tuple[FieldSpec, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, for templates or the API."""
        return {
            "name": self.name,
            "label": self.label,
            "widget": self.widget,
            "required": self.required,
            "hint": self.hint,
            "choices": [[value, text] for value, text in self.choices],
            "choices_from": self.choices_from,
            "autocomplete": self.autocomplete,
            "children": [child.to_dict() for child in self.children],
        }


def field_specs(schema: Schema) -> list[FieldSpec]:
    """The schema's fields in declaration order, nested for rows and fieldsets."""
    return [_spec(name, field) for name, field in schema.fields.items() if not field.dump_only]


def _spec(name: str, field: fields.Field) -> FieldSpec:
    meta = field.metadata
    children = field_specs(field.schema) if isinstance(field, fields.Nested) else []
    return FieldSpec(
        name=field.data_key or name,
        label=meta.get("label", name),
        widget=meta.get("widget", "text"),
        required=field.required,
        hint=meta.get("hint"),
        choices=tuple((value, text) for value, text in meta.get("choices", ())),
        choices_from=meta.get("choices_from"),
        autocomplete=meta.get("autocomplete"),
        children=tuple(children),
    )
