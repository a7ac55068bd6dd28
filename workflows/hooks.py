"""What the referral-to-claim domain hands the engine: forms, operations, projectors, rule functions."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.runtime import FormCatalog
from engine.steps import Operation, Projector
from forms.registry import default_registry
from workflows import models as _models  # noqa: F401  (registers the domain tables on the metadata)


@dataclass
class DomainHooks:
    forms: FormCatalog
    operations: Mapping[str, Operation] = field(default_factory=dict)
    projectors: Sequence[Projector] = ()
    script_functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)


def domain_hooks(today: Callable[[], date] | None = None) -> DomainHooks:
    """``today`` is the project clock's London date, so "today or in the past" follows the manual clock."""
    from workflows.rules import RULE_FUNCTIONS, indicator_applies

    def indicator_check(indicator: int, person: dict[str, Any], on: str) -> str | None:
        return indicator_applies("fop-2017", indicator, person, on)

    return DomainHooks(forms=default_registry(indicator_check=indicator_check, today=today), operations=operations(),
                       script_functions=RULE_FUNCTIONS)


def operations() -> dict[str, Operation]:
    """Every service-task operation the lifecycle's BPMN may name (deploy refuses any other)."""
    from workflows import ops_casework, ops_claims, ops_follow_up, ops_intake

    return {
        "register_referral": ops_intake.register_referral,
        "record_triage": ops_intake.record_triage,
        "add_to_tf_register": ops_intake.add_to_tf_register,
        "record_allocation": ops_casework.record_allocation,
        "next_review": ops_casework.next_review,
        "close_family": ops_casework.close_family,
        "open_outcomes": ops_casework.open_outcomes,
        "mark_outcome": ops_casework.mark_outcome,
        "family_outcomes": ops_casework.family_outcomes,
        "record_employment": ops_casework.record_employment,
        "broken_window": ops_follow_up.broken_window,
        "restart_outcome": ops_follow_up.restart_outcome,
        "evidence_lead": ops_follow_up.evidence_lead,
        "record_audit_evidence": ops_follow_up.record_audit_evidence,
        "register_claim_window": ops_claims.register_claim_window,
        "open_claim_pool": ops_claims.open_claim_pool,
        "record_audit": ops_claims.record_audit,
        "build_batch": ops_claims.build_batch,
        "submit_batch": ops_claims.submit_batch,
        "close_claim_window": ops_claims.close_claim_window,
    }
