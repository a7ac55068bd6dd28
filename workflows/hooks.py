"""What the referral-to-claim domain hands the engine: forms, operations, projectors, rule functions, and its
access rules for reading instances and sending messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine.access import CorrelationCheck, InstanceAccess
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
    instance_access: InstanceAccess | None = None
    correlation_check: CorrelationCheck | None = None


def domain_hooks(today: Callable[[], date] | None = None,
                 session: Callable[[], Session] | None = None) -> DomainHooks:
    """``today`` is the project clock's London date, so "today or in the past" follows the manual clock;
    ``session`` lets the forms read the database: the triage form checks a matched family is known, the
    allocation form the case manager's team, the plan form the family's identified indicators, the plan
    and review forms the team's review cadence."""
    from workflows.access import may_address, may_read_instance
    from workflows.operations.common import review_months
    from workflows.read.choices import is_team_case_manager
    from workflows.read.family_view import family_indicators, is_known_family
    from workflows.rules import RULE_FUNCTIONS, indicator_applies

    def indicator_check(indicator: int, person: dict[str, Any], on: str) -> str | None:
        return indicator_applies("fop-2017", indicator, person, on)

    def known_family(ref: str) -> bool:
        return session is not None and is_known_family(session(), ref)

    def team_case_manager(team: str, username: str) -> bool:
        return session is not None and is_team_case_manager(session(), team, username)

    def indicators_of(ref: str) -> list[dict[str, Any]]:
        return family_indicators(session(), ref) if session is not None else []

    def cadence(team: str | None) -> int:
        return review_months(session(), team) if session is not None else 3

    bound = session is not None
    forms = default_registry(indicator_check=indicator_check, today=today,
                             known_family=known_family if bound else None,
                             team_case_manager=team_case_manager if bound else None,
                             family_indicators=indicators_of if bound else None,
                             review_cadence=cadence if bound else None)
    return DomainHooks(forms=forms, operations=operations(), script_functions=RULE_FUNCTIONS,
                       instance_access=may_read_instance, correlation_check=may_address)


def operations() -> dict[str, Operation]:
    """Every service-task operation the lifecycle's BPMN may name (deploy refuses any other)."""
    from workflows.operations import casework, claims, follow_up, identification, intake

    return {
        "register_referral": intake.register_referral,
        "record_triage": intake.record_triage,
        "add_to_tf_register": intake.add_to_tf_register,
        "record_indicators": identification.record_indicators,
        "record_allocation": casework.record_allocation,
        "next_review": casework.next_review,
        "close_family": casework.close_family,
        "closure_sign_off": casework.closure_sign_off,
        "open_outcomes": casework.open_outcomes,
        "mark_outcome": casework.mark_outcome,
        "family_outcomes": casework.family_outcomes,
        "record_employment": casework.record_employment,
        "broken_window": follow_up.broken_window,
        "restart_outcome": follow_up.restart_outcome,
        "evidence_lead": follow_up.evidence_lead,
        "record_audit_evidence": follow_up.record_audit_evidence,
        "register_claim_window": claims.register_claim_window,
        "open_claim_pool": claims.open_claim_pool,
        "record_audit": claims.record_audit,
        "build_batch": claims.build_batch,
        "submit_batch": claims.submit_batch,
        "close_claim_window": claims.close_claim_window,
    }
