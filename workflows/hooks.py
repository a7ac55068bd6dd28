"""What the referral-to-claim domain hands the engine: forms, operations, projectors, rule functions."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.runtime import FormCatalog
from engine.steps import Operation, Projector
from forms.registry import default_registry


@dataclass
class DomainHooks:
    forms: FormCatalog
    operations: Mapping[str, Operation] = field(default_factory=dict)
    projectors: Sequence[Projector] = ()
    script_functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)


def domain_hooks() -> DomainHooks:
    from workflows.rules import RULE_FUNCTIONS, indicator_applies

    def indicator_check(indicator: int, person: dict[str, Any], on: str) -> str | None:
        return indicator_applies("fop-2017", indicator, person, on)

    return DomainHooks(forms=default_registry(indicator_check=indicator_check), script_functions=RULE_FUNCTIONS)
