"""Closure: the lead professional's closure summary and the manager's approval of it."""

from __future__ import annotations

from typing import Any

from marshmallow import validates_schema

from forms.base import Errors, FormSchema
from forms.choices import CLOSURE_DECISIONS
from forms.fields import checkbox, choice, day, rows, textarea
from forms.rows import OutcomeRow
from forms.rules import check_outcomes_match_plan, check_rows


class ClosureSummary(FormSchema):
    form_title = "Closure summary"

    closed_on = day("Date the case closed", required="Enter the date the case closed", past=True)
    summary = textarea("Closure summary", required="Enter the closure summary",
                       hint="The progress the family made against each of their issues")
    outcomes = rows(OutcomeRow, "Outcomes", required="Add the outcome for at least one indicator",
                    hint="One row for each indicator in the plan")
    evidence = textarea("Supporting evidence", required="Enter the supporting evidence",
                        hint="What evidence there is and where it is recorded on the case record")

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = Errors()
        check_rows(data.get("outcomes"), "outcomes", errors, indicators=False, unique=True)
        check_outcomes_match_plan(data.get("outcomes"), errors)
        errors.raise_any()


class ClosureApproval(FormSchema):
    form_title = "Approve the closure summary"

    decision = choice("Decision", CLOSURE_DECISIONS,
                      required="Select whether to approve or return the closure summary")
    evidence_checked = checkbox("Evidence", "All relevant evidence is available on the case record",
                                hint="Needed to approve")
    reasons = textarea("Reasons", hint="Needed when you return the closure summary")

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = Errors()
        if data.get("decision") == "return" and not data.get("reasons"):
            errors.add(("reasons",), "Enter the reasons for returning the closure summary")
        if data.get("decision") == "approve" and data.get("evidence_checked") is False:
            errors.add(("evidence_checked",), "Confirm all relevant evidence is available before you approve")
        errors.raise_any()
