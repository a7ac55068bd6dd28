"""The review of a claim window's batch before it is submitted to the Ministry."""

from __future__ import annotations

from typing import Any

from marshmallow import validates_schema

from forms.base import Errors, FormSchema
from forms.choices import BATCH_DECISIONS
from forms.fields import choice, textarea


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
