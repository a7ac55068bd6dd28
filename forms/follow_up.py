"""Follow-up tasks: renewed progress after a broken sustainment window, the evidence a Stage 1 audit
found missing (docs/sources/DOMAIN.md's defaults), and the TF team's check of a newly identified family."""

from __future__ import annotations

from typing import Any

from marshmallow import validates_schema

from forms.base import Errors, FormSchema
from forms.fields import confirm, day, textarea, yes_no


class RenewedProgress(FormSchema):
    form_title = "Record renewed progress"

    renewed = yes_no("Progress renewed", required="Select yes if the family has made renewed progress",
                     hint="Yes restarts the outcome's window from the date below")
    renewed_on = day("Date progress was re-established", past=True,
                     hint="Needed when progress is renewed: the new start of the window")
    evidence = textarea("Evidence", required="Enter the evidence of renewed progress (or why there is none)")

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = Errors()
        if data.get("renewed") and not data.get("renewed_on"):
            errors.add(("renewed_on",), "Enter the date progress was re-established")
        errors.raise_any()


class AuditEvidence(FormSchema):
    form_title = "Provide the evidence the audit found missing"

    evidence = textarea("Evidence provided", required="Enter the evidence provided for the audit")
    provided_on = day("Date provided", required="Enter the date the evidence was provided", past=True)


class IdentificationCheck(FormSchema):
    form_title = "Check the newly identified family's data"

    data_checked = confirm("Data checked", "The family's indicators and headline issues have been checked",
                           required="Confirm the family's data has been checked")
    notes = textarea("Notes", hint="Anything to follow up with the Early Help Unit")


class TriageEscalation(FormSchema):
    """The manager's answer to an overdue triage: the Early Help Unit keeps the decision (a possible
    match is theirs, docs/sources/DOMAIN.md), so the manager records how they got it made."""

    form_title = "Overdue triage: see that the referral is triaged"

    action = textarea("What you have done", required="Enter what you have done about the overdue triage",
                      hint="For example, who in the Early Help Unit will triage it and by when")
