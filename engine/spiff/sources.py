"""Every piece of Python a parsed element holds, as SpiffWorkflow will run it: scripts, pre/post
scripts, conditions, multi-instance expressions, timer/message/correlation expressions, service
parameters, the ``due_at`` property and DMN cells (engine/expressions.py checks them at deploy)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal, NamedTuple

from engine.spiff.specs import TIMER_EVENTS, task_properties_of_spec
from engine.spiff.types import TaskSpec

_DMN_INPUT = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")  # SpiffWorkflow's own '?' rule


_TIMER_KINDS = {"DurationTimerEventDefinition": "duration", "TimeDateEventDefinition": "date",
                "CycleTimerEventDefinition": "cycle"}


class Source(NamedTuple):
    what: str  # "script", "condition", "timer expression", "DMN rule 3 input"...
    code: str
    mode: Literal["eval", "exec"]
    timer: str | None = None  # "duration", "date" or "cycle" for a timer's expression
    node_id: str | None = None  # the XML id of a DMN cell or input, which sits in another file


def sources_of(task_spec: TaskSpec) -> Iterator[Source]:
    for attribute in ("script", "prescript", "postscript"):
        code = getattr(task_spec, attribute, None)
        if isinstance(code, str):
            yield Source(attribute, code, "exec")
    for condition, _target in getattr(task_spec, "cond_task_specs", []) or []:
        source = condition if isinstance(condition, str) else next(iter(getattr(condition, "args", ())), None)
        if isinstance(source, str):
            yield Source("condition", source, "eval")
    for attribute in ("condition", "cardinality"):  # multi-instance
        code = getattr(task_spec, attribute, None)
        if isinstance(code, str):
            yield Source(attribute, code, "eval")
    definition = getattr(task_spec, "event_definition", None)
    if definition is not None:
        yield from _event_sources(definition)
    for name, param in (getattr(task_spec, "operation_params", None) or {}).items():
        if isinstance(param, dict) and isinstance(param.get("value"), str):
            yield Source(f"service parameter '{name}'", param["value"], "eval")
    due_at = task_properties_of_spec(task_spec).get("due_at")
    if due_at:
        yield Source("due_at", due_at, "eval")
    engine = getattr(task_spec, "dmnEngine", None)
    if engine is not None:
        yield from _dmn_sources(engine.decision_table)


def _event_sources(definition: Any) -> Iterator[Source]:
    kind = type(definition).__name__
    expression = getattr(definition, "expression", None)
    if isinstance(expression, str) and expression:
        if kind in TIMER_EVENTS:
            yield Source("timer expression", expression, "eval", _TIMER_KINDS.get(kind))
        else:
            yield Source("message payload expression", expression, "eval")
    for prop in [*getattr(definition, "correlation_properties", []), *getattr(definition, "process_correlations", [])]:
        if isinstance(getattr(prop, "retrieval_expression", None), str):
            yield Source(f"correlation '{prop.name}'", prop.retrieval_expression, "eval")
    for definitions in getattr(definition, "event_definitions", []) or []:  # multiple-event catches
        yield from _event_sources(definitions)


def _dmn_sources(table: Any) -> Iterator[Source]:
    for column in getattr(table, "inputs", []):
        if isinstance(getattr(column, "expression", None), str):
            yield Source("DMN input", column.expression, "eval", node_id=getattr(column, "id", None))
    for rule in getattr(table, "rules", []):
        row = getattr(rule, "row_number", "?")
        for entry in getattr(rule, "inputEntries", []):
            for cell in getattr(entry, "lhs", []):
                if isinstance(cell, str) and cell.strip() not in ("", "-"):
                    yield Source(f"DMN rule {row} input", _as_comparison(cell), "eval", node_id=entry.id)
        for entry in getattr(rule, "outputEntries", []):
            if isinstance(getattr(entry, "text", None), str) and entry.text.strip():
                yield Source(f"DMN rule {row} output", entry.text, "eval", node_id=entry.id)


def _as_comparison(cell: str) -> str:
    """A DMN input cell as SpiffWorkflow will evaluate it, with a stand-in for the input value."""
    if _DMN_INPUT.search(cell):
        return _DMN_INPUT.sub("dmninputexpr", cell)
    try:
        compile(cell, "<dmn>", "eval")
        return f"(dmninputexpr) == ({cell})"
    except SyntaxError:
        return f"dmninputexpr {cell}"
