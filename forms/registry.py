"""The forms registry: form key -> marshmallow schema, with validation, JSON Schema and render metadata.

The engine receives a registry from the app factory (it never imports forms/) and uses
``key in registry`` at deploy and ``validate`` when a user task is completed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from marshmallow import Schema
from marshmallow.experimental.context import Context

from forms.audit import AuditStage1, AuditStage2, AuditStage3
from forms.case_management import Allocation, Assessment, Review
from forms.claims import ClaimBatchReview
from forms.closure import ClosureApproval, ClosureSummary
from forms.context import (
    FamilyIndicators,
    FormContext,
    IndicatorCheck,
    KnownFamily,
    ReviewCadence,
    TeamCaseManager,
    london_today,
)
from forms.employment import ContinuousEmployment
from forms.follow_up import AuditEvidence, IdentificationCheck, RenewedProgress, TriageEscalation
from forms.json_schema import to_json_schema
from forms.plans import ActionPlan, PftPlan
from forms.referral import Referral
from forms.signposting import SignpostingEvidence
from forms.spec import FieldSpec, field_specs
from forms.triage import Triage

LIFECYCLE_FORMS: Mapping[str, type[Schema]] = {
    "referral": Referral,
    "triage": Triage,
    "allocation": Allocation,
    "assessment": Assessment,
    "action_plan": ActionPlan,
    "review": Review,
    "closure_summary": ClosureSummary,
    "closure_approval": ClosureApproval,
    "pft_plan": PftPlan,
    "signposting_evidence": SignpostingEvidence,
    "continuous_employment": ContinuousEmployment,
    "audit_stage_1": AuditStage1,
    "audit_stage_2": AuditStage2,
    "audit_stage_3": AuditStage3,
    "claim_batch_review": ClaimBatchReview,
    "renewed_progress": RenewedProgress,
    "audit_evidence": AuditEvidence,
    "identification_check": IdentificationCheck,
    "triage_escalation": TriageEscalation,
}


class FormRegistry:
    """Form schemas by key. A key is a Python identifier: it names the workflow variable the
    task's validated data is stored under (``closure_approval["decision"]``)."""

    def __init__(
        self,
        schemas: Mapping[str, type[Schema]] | None = None,
        *,
        indicator_check: IndicatorCheck | None = None,
        today: Callable[[], date] | None = None,
        known_family: KnownFamily | None = None,
        team_case_manager: TeamCaseManager | None = None,
        family_indicators: FamilyIndicators | None = None,
        review_cadence: ReviewCadence | None = None,
    ) -> None:
        self._schemas: dict[str, type[Schema]] = {}
        for key, schema in (schemas or {}).items():
            if not isinstance(key, str) or not key.isidentifier():
                raise ValueError(f"form key {key!r} is not an identifier")
            if not (isinstance(schema, type) and issubclass(schema, Schema)):
                raise TypeError(f"form {key!r} is not a marshmallow Schema class")
            self._schemas[key] = schema
        self._indicator_check = indicator_check
        self._known_family = known_family
        self._team_case_manager = team_case_manager
        self._family_indicators = family_indicators
        self._review_cadence = review_cadence
        self._today = today or london_today
        self._json_schemas: dict[str, dict[str, Any]] = {}

    def keys(self) -> list[str]:
        """The form keys, in registration order."""
        return list(self._schemas)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._schemas

    def __iter__(self) -> Iterator[str]:
        return iter(self._schemas)

    def __len__(self) -> int:
        return len(self._schemas)

    def schema(self, key: str) -> Schema:
        """A new instance of the form's schema; ``KeyError`` for an unknown key."""
        return self._schema_class(key)()

    def title(self, key: str) -> str:
        """The form's page heading (the schema's ``form_title``, else the key)."""
        return str(getattr(self._schema_class(key), "form_title", "") or key)

    def validate(
        self, key: str, data: Mapping[str, Any], context: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The JSON-safe dump of valid ``data`` (ISO dates), ready to store under ``key``.

        ``context`` is the task's workflow data; cross-field rules read it. Raises marshmallow's
        ``ValidationError`` whose ``messages`` are the field errors; nothing is written anywhere.
        """
        schema = self.schema(key)
        form_context = FormContext(
            data=context or {}, indicator_check=self._indicator_check, today=self._today(),
            known_family=self._known_family, team_case_manager=self._team_case_manager,
            family_indicators=self._family_indicators, review_cadence=self._review_cadence,
        )
        with Context(form_context):
            loaded = schema.load(data)
        dumped: dict[str, Any] = schema.dump(loaded)
        return dumped

    def json_schema(self, key: str) -> dict[str, Any]:
        """The form as a JSON Schema document (a fresh copy each call)."""
        if key not in self._json_schemas:
            self._json_schemas[key] = to_json_schema(self.schema(key), title=self.title(key))
        return copy.deepcopy(self._json_schemas[key])

    def fields(self, key: str) -> list[FieldSpec]:
        """The render metadata, in declaration order, nested for add-another rows and fieldsets."""
        return field_specs(self.schema(key))

    def _schema_class(self, key: str) -> type[Schema]:
        try:
            return self._schemas[key]
        except KeyError:
            raise KeyError(f"no form {key!r} in the registry") from None


def default_registry(
    *, indicator_check: IndicatorCheck | None = None, today: Callable[[], date] | None = None,
    known_family: KnownFamily | None = None, team_case_manager: TeamCaseManager | None = None,
    family_indicators: FamilyIndicators | None = None, review_cadence: ReviewCadence | None = None,
) -> FormRegistry:
    """Every form of the referral-to-claim lifecycle."""
    return FormRegistry(LIFECYCLE_FORMS, indicator_check=indicator_check, today=today, known_family=known_family,
                        team_case_manager=team_case_manager, family_indicators=family_indicators,
                        review_cadence=review_cadence)
