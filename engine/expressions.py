"""Deploy-time check: every piece of Python in a bundle compiles under the sandbox policy.

Scripts are untrusted (process owners edit BPMN in the browser), so a bundle whose script tasks,
conditions, timer, due-date, message payload or correlation expressions, service parameters, pre/post
scripts or DMN cells break the policy is refused before anything runs, naming the element and line.
Pre/post scripts on a script task are refused too: SpiffWorkflow silently ignores them there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from engine import spiff
from engine.definitions import iter_task_specs
from engine.errors import ScriptError
from engine.scripts import check_script

Expression = tuple[str, str, str]  # (what it is, source, "eval" or "exec")
_DMN_INPUT = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")  # SpiffWorkflow's own '?' rule


def check_bundle(bundle: spiff.ParsedBundle, roots: Mapping[str, Any]) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    for task_spec, file in iter_task_specs(bundle):
        for what, source, mode in _expressions(task_spec):
            try:
                check_script(source, mode)  # type: ignore[arg-type]
            except ScriptError as error:
                problems.append({"file": file, "element_id": task_spec.bpmn_id, "line": error.line,
                                 "reason": f"{what}: {error.message}"})
    problems += _scripts_on_script_tasks(roots)
    return problems


def _expressions(task_spec: Any) -> Iterator[Expression]:
    if isinstance(getattr(task_spec, "script", None), str):
        yield "script", task_spec.script, "exec"
    for hook in ("prescript", "postscript"):
        if isinstance(getattr(task_spec, hook, None), str):
            yield hook, getattr(task_spec, hook), "exec"
    for condition, _target in getattr(task_spec, "cond_task_specs", []) or []:
        source = condition if isinstance(condition, str) else next(iter(getattr(condition, "args", ())), None)
        if isinstance(source, str):
            yield "condition", source, "eval"
    for attribute in ("condition", "cardinality"):  # multi-instance
        if isinstance(getattr(task_spec, attribute, None), str):
            yield attribute, getattr(task_spec, attribute), "eval"
    definition = getattr(task_spec, "event_definition", None)
    if definition is not None:
        yield from _event_expressions(definition)
    for name, param in (getattr(task_spec, "operation_params", None) or {}).items():
        if isinstance(param, dict) and isinstance(param.get("value"), str):
            yield f"service parameter '{name}'", param["value"], "eval"
    due_at = spiff.task_properties_of_spec(task_spec).get("due_at")
    if due_at:
        yield "due_at", due_at, "eval"
    engine = getattr(task_spec, "dmnEngine", None)
    if engine is not None:
        yield from _dmn_expressions(engine.decision_table)


def _event_expressions(definition: Any) -> Iterator[Expression]:
    kind = type(definition).__name__
    expression = getattr(definition, "expression", None)
    if isinstance(expression, str) and expression:
        label = "timer expression" if kind in spiff.TIMER_EVENTS else "message payload expression"
        yield label, expression, "eval"
    for prop in [*getattr(definition, "correlation_properties", []), *getattr(definition, "process_correlations", [])]:
        if isinstance(getattr(prop, "retrieval_expression", None), str):
            yield f"correlation '{prop.name}'", prop.retrieval_expression, "eval"
    for definitions in getattr(definition, "event_definitions", []) or []:  # multiple-event catches
        yield from _event_expressions(definitions)


def _dmn_expressions(table: Any) -> Iterator[Expression]:
    for column in getattr(table, "inputs", []):
        if isinstance(getattr(column, "expression", None), str):
            yield "DMN input", column.expression, "eval"
    for rule in getattr(table, "rules", []):
        row = getattr(rule, "row_number", "?")
        for entry in getattr(rule, "inputEntries", []):
            for cell in getattr(entry, "lhs", []):
                if isinstance(cell, str) and cell.strip() not in ("", "-"):
                    yield f"DMN rule {row} input", _as_comparison(cell), "eval"
        for entry in getattr(rule, "outputEntries", []):
            if isinstance(getattr(entry, "text", None), str) and entry.text.strip():
                yield f"DMN rule {row} output", entry.text, "eval"


def _as_comparison(cell: str) -> str:
    """A DMN input cell as SpiffWorkflow will evaluate it, with a stand-in for the input value."""
    if _DMN_INPUT.search(cell):
        return _DMN_INPUT.sub("dmninputexpr", cell)
    try:
        compile(cell, "<dmn>", "eval")
        return f"(dmninputexpr) == ({cell})"
    except SyntaxError:
        return f"dmninputexpr {cell}"


def _scripts_on_script_tasks(roots: Mapping[str, Any]) -> list[dict[str, Any]]:
    problems = []
    for name, root in roots.items():
        for task in root.iter(f"{{{spiff.BPMN_NS}}}scriptTask"):
            for hook in ("preScript", "postScript"):
                found = task.xpath(f"bpmn:extensionElements/spiffworkflow:{hook}", namespaces=spiff.NS)
                if found:
                    problems.append({"file": name, "element_id": task.get("id"), "line": found[0].sourceline,
                                     "reason": f"a {hook} on a script task is ignored by SpiffWorkflow; "
                                               "put the code in the script itself"})
    return problems
