"""The review of a claim window's batch before it is submitted to the Ministry."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from forms.base import Errors, FormSchema
from forms.choices import BATCH_DECISIONS
from forms.fields import IN_RANGE, choice, textarea


class ClaimBatchReview(FormSchema):
    form_title = "Review the claim batch"

    decision = choice("Decision", BATCH_DECISIONS,
                      required="Select whether to submit or hold the claim batch")
    reasons = textarea("Reasons", hint="Needed when you hold the batch")

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = Errors()
        if data.get("decision") == "hold" and not data.get("reasons"):
            errors.add(("reasons",), "Enter the reasons for holding the claim batch")
        errors.raise_any()


class ClaimWindowSetUp(Schema):
    """A new claim window (not a task form): the administrators' endpoint and an administrator's generic
    start of ``claim_window`` both validate with it, so neither can open a window that closes before its
    cut-off."""

    class Meta:
        unknown = RAISE

    name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    local_cutoff_at = fields.AwareDateTime(required=True, validate=IN_RANGE)
    closes_at = fields.AwareDateTime(required=True, validate=IN_RANGE)

    @validates_schema
    def _order(self, data: dict[str, Any], **_: Any) -> None:
        if "local_cutoff_at" in data and "closes_at" in data and data["local_cutoff_at"] >= data["closes_at"]:
            raise ValidationError("The local cut-off must be before the window closes.", "local_cutoff_at")
