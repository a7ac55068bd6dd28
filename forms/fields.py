"""Field constructors carrying the render metadata and GOV.UK-style error messages.

Each takes the label, and ``required=`` the message shown when the answer is missing (omit it for
an optional field). Metadata keys: ``label``, ``hint``, ``widget``, ``choices`` ([value, label]
lists), ``choices_from`` (a dynamic list the web layer supplies) and ``autocomplete``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from marshmallow.types import ErrorMessages, Validator

from forms.choices import FIRST_INDICATOR, INDICATORS, LAST_INDICATOR, YES_NO, Choices
from forms.context import current

WIDGETS = frozenset(
    {"text", "textarea", "radios", "checkboxes", "date", "number", "select", "add_another", "fieldset"}
)
TEXT_MAX_LENGTH = 200
TEXTAREA_MAX_LENGTH = 10_000
HOUSEHOLD = "household"  # choices_from: the people in the referral's household (value person_id)

# Dates people enter: far from datetime's edges, so no window or timer computed from them overflows.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
# The same bounds for the aware datetimes an API caller sends (claim windows, the clock).
IN_RANGE = validate.Range(min=datetime(1900, 1, 1, tzinfo=UTC), max=datetime(2200, 1, 1, tzinfo=UTC),
                          max_inclusive=False, error="Must be between 1900 and 2199.")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _metadata(label: str, widget: str, hint: str | None = None, choices: Choices | None = None,
              **extra: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"label": label, "widget": widget}
    if hint:
        meta["hint"] = hint
    if choices is not None:
        meta["choices"] = [[value, text] for value, text in choices]
    meta.update({key: value for key, value in extra.items() if value is not None})
    return meta


def _messages(required: str | None, **others: str) -> ErrorMessages:
    messages: ErrorMessages = dict(others)
    if required:
        messages.update(required=required, null=required)
    return messages


class Day(fields.Date):
    """A calendar date: ``YYYY-MM-DD`` or a ``date`` (never a datetime), dumped as ``YYYY-MM-DD``."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> date:
        if isinstance(value, datetime) or (isinstance(value, str) and not _ISO_DATE.fullmatch(value)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class NotInFuture(validate.Validator):
    """The date is today or earlier, today being the form context's (the project clock's) date."""

    def __init__(self, error: str) -> None:
        self.message = error

    def __call__(self, value: date) -> date:
        if value > current().today:
            raise ValidationError(self.message)
        return value


def text(label: str, *, required: str | None = None, hint: str | None = None, widget: str = "text",
         max_length: int = TEXT_MAX_LENGTH, validators: Iterable[Validator] = (),
         choices_from: str | None = None, autocomplete: str | None = None) -> fields.String:
    too_long = validate.Length(max=max_length, error=f"{label} must be {max_length} characters or less")
    return fields.String(
        required=required is not None,
        validate=[too_long, *validators],
        error_messages=_messages(required, invalid=required or f"{label} must be text"),
        metadata=_metadata(label, widget, hint, choices_from=choices_from, autocomplete=autocomplete),
    )


def textarea(label: str, *, required: str | None = None, hint: str | None = None) -> fields.String:
    return text(label, required=required, hint=hint, widget="textarea", max_length=TEXTAREA_MAX_LENGTH)


def email(label: str, *, hint: str | None = None, autocomplete: str | None = None) -> fields.Email:
    wrong = "Enter an email address in the correct format, like name@example.com"
    return fields.Email(
        validate=validate.Length(max=254, error=f"{label} must be 254 characters or less"),
        error_messages=_messages(None, invalid=wrong),
        metadata=_metadata(label, "text", hint, autocomplete=autocomplete),
    )


def choice(label: str, choices: Choices, *, required: str | None = None, invalid: str | None = None,
           hint: str | None = None, widget: str = "radios") -> fields.String:
    wrong = invalid or required or f"Select a {label.lower()} from the list"
    return fields.String(
        required=required is not None,
        validate=validate.OneOf([value for value, _ in choices], error=wrong),
        error_messages=_messages(required, invalid=wrong),
        metadata=_metadata(label, widget, hint, choices),
    )


def choices_list(label: str, choices: Choices, *, hint: str | None = None) -> fields.List:
    """Optional checkboxes: any of the choices, stored as a list of values (``[]`` when none)."""
    wrong = f"Select {label.lower()} from the list"
    inner = fields.String(validate=validate.OneOf([value for value, _ in choices], error=wrong),
                          error_messages=_messages(None, invalid=wrong))
    return fields.List(inner, load_default=list, error_messages=_messages(None, invalid=wrong),
                       metadata=_metadata(label, "checkboxes", hint, choices))


def day(label: str, *, required: str | None = None, hint: str | None = None,
        past: bool = False) -> Day:
    """A date; ``past=True`` refuses dates after today (``{label} must be today or in the past``)."""
    checks: list[Validator] = [validate.Range(min=FIRST_DAY, max=LAST_DAY,
                                              error=f"{label} must be between {FIRST_DAY.year} and {LAST_DAY.year}")]
    if past:
        checks.append(NotInFuture(f"{label} must be today or in the past"))
    return Day(
        required=required is not None,
        validate=checks,
        error_messages=_messages(required, invalid=f"{label} must be a real date"),
        metadata=_metadata(label, "date", hint or "For example, 27 3 2027"),
    )


def yes_no(label: str, *, required: str, hint: str | None = None) -> fields.Boolean:
    return fields.Boolean(
        required=True,
        error_messages=_messages(required, invalid=required),
        metadata=_metadata(label, "radios", hint, YES_NO),
    )


def confirm(label: str, statement: str, *, required: str, hint: str | None = None) -> fields.Boolean:
    """A single checkbox that must be ticked (missing or false both give ``required``)."""
    return fields.Boolean(
        required=True,
        validate=validate.Equal(True, error=required),
        error_messages=_messages(required, invalid=required),
        metadata=_metadata(label, "checkboxes", hint, ((True, statement),)),
    )


def checkbox(label: str, statement: str, *, hint: str | None = None) -> fields.Boolean:
    """An optional single checkbox, stored as ``false`` when not ticked."""
    return fields.Boolean(
        load_default=False,
        error_messages=_messages(None, invalid="Tick the box or leave it empty"),
        metadata=_metadata(label, "checkboxes", hint, ((True, statement),)),
    )


def indicator(label: str = "Indicator", *, required: str = "Select the indicator") -> fields.Integer:
    wrong = f"Select an indicator from {FIRST_INDICATOR} to {LAST_INDICATOR}"
    return fields.Integer(
        required=True,
        validate=validate.Range(FIRST_INDICATOR, LAST_INDICATOR, error=wrong),
        error_messages=_messages(required, invalid=wrong),
        metadata=_metadata(label, "select", None, INDICATORS),
    )


def person(label: str = "Person", *, required: str = "Select the person",
           hint: str | None = None) -> fields.String:
    """A household member's ``person_id``; the schema's rules check they are in the household."""
    return text(label, required=required, hint=hint, widget="select", max_length=100,
                choices_from=HOUSEHOLD)


def rows(schema: type[Schema], label: str, *, required: str | None = None,
         hint: str | None = None) -> fields.Nested:
    """Add-another rows. Required rows need at least one (``required`` for missing or empty)."""
    if required is None:
        return fields.Nested(schema, many=True, load_default=list,
                             metadata=_metadata(label, "add_another", hint))
    return fields.Nested(
        schema, many=True, required=True,
        validate=validate.Length(min=1, error=required),
        error_messages=_messages(required, type=required),
        metadata=_metadata(label, "add_another", hint),
    )


def group(schema: type[Schema], label: str, *, required: str, hint: str | None = None) -> fields.Nested:
    """A fieldset of related questions stored as one object (an address, the referrer)."""
    return fields.Nested(schema, required=True, error_messages=_messages(required, type=required),
                         metadata=_metadata(label, "fieldset", hint))
