"""Outcome evidence for families signposted to other services, gathered by the Early Help Unit."""

from __future__ import annotations

from typing import Any

from marshmallow import validates_schema

from forms.base import Errors, FormSchema
from forms.fields import day, rows, textarea
from forms.rows import OutcomeRow
from forms.rules import check_rows


class SignpostingEvidence(FormSchema):
    form_title = "Outcomes of signposting"

    contacted_on = day("Date the family was contacted", required="Enter the date the family was contacted",
                       past=True)
    outcome_evidence = textarea("Evidence of outcomes", required="Enter the evidence of outcomes",
                                hint="What the family and the service said, and what documents show")
    outcomes_met = rows(OutcomeRow, "Outcomes", required="Add the outcome for at least one indicator")
    notes = textarea("Notes")

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = Errors()
        check_rows(data.get("outcomes_met"), "outcomes_met", errors, indicators=False, unique=True)
        errors.raise_any()
