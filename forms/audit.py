"""The Troubled Families audit stages: Stage 1 (TF team, every family), Stage 2 (Project Manager,
a 25% sample) and Stage 3 (Coordinator, where required)."""

from __future__ import annotations

from typing import Any

from marshmallow import validates_schema

from forms.base import Errors, FormSchema
from forms.choices import AUDIT_RESULTS
from forms.fields import choice, textarea, yes_no


class _Audit(FormSchema):
    result = choice("Audit result", AUDIT_RESULTS, required="Select the audit result")
    notes = textarea("Notes")
    reasons = textarea("Reasons for the fail", hint="Needed when the audit fails: what evidence is missing")

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = Errors()
        if data.get("result") == "fail" and not data.get("reasons"):
            errors.add(("reasons",), "Enter the reasons the audit failed")
        errors.raise_any()


class AuditStage1(_Audit):
    form_title = "Stage 1 audit"


class AuditStage2(_Audit):
    form_title = "Stage 2 audit"

    refer_to_stage_3 = yes_no("Refer for Stage 3", required="Select yes if the family needs a Stage 3 audit")


class AuditStage3(_Audit):
    form_title = "Stage 3 audit"
