"""The base every form schema shares: input tidying and a collector for cross-field errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError, pre_load


class FormSchema(Schema):
    """A form: unknown keys are refused; blank answers count as missing.

    Strings are trimmed, and keys whose value is ``None`` or blank are dropped before validation,
    so an empty HTML input gets the field's "Enter ..." message rather than being stored as ``""``.
    """

    form_title: ClassVar[str] = ""

    class Meta:
        unknown = RAISE

    @pre_load
    def _tidy(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data  # marshmallow reports the wrong type
        tidy: dict[str, Any] = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip()
            if value is None or value == "":
                continue
            tidy[key] = value
        return self.clean(tidy)

    def clean(self, data: dict[str, Any]) -> dict[str, Any]:
        """Normalise tidied input before validation (override, e.g. to format a postcode)."""
        return data


class Errors:
    """Field errors gathered by a ``@validates_schema`` rule, raised together in marshmallow's shape."""

    def __init__(self) -> None:
        self.messages: dict[str | int, Any] = {}

    def add(self, path: Sequence[str | int], message: str) -> None:
        """``message`` at ``path``; a message on a field that also has errors inside it (a rows field
        with row errors) goes under ``_schema`` there, as marshmallow itself merges them."""
        node = self.messages
        for key in path[:-1]:
            child = node.setdefault(key, {})
            if isinstance(child, list):
                child = node[key] = {"_schema": child}
            node = child
        last = node.setdefault(path[-1], [])
        if isinstance(last, dict):
            last = last.setdefault("_schema", [])
        last.append(message)

    def raise_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def given(original: Any, key: str) -> bool:
    """Whether the raw input has a non-blank answer for ``key``."""
    if not isinstance(original, Mapping):
        return False
    value = original.get(key)
    return value is not None and not (isinstance(value, str) and not value.strip())
