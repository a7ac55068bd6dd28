"""Deploy-time check: every piece of Python in a bundle compiles under the sandbox policy, and every
timer expression gives a time (engine/timer_expressions.py).

Scripts are untrusted (process owners edit BPMN in the browser), so a bundle whose script tasks,
conditions, timer, due-date, message payload or correlation expressions, service parameters, pre/post
scripts or DMN cells break the policy is refused before anything runs, naming the element and its
line in the file (the line within a script of several lines is told in the reason).
Pre/post scripts on a script task are refused too: SpiffWorkflow silently ignores them there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import bpmn_xml, spiff, timer_expressions
from engine.errors import ScriptError
from engine.scripts import check_script


def check_bundle(bundle: spiff.ParsedBundle, roots: Mapping[str, Any]) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    for task_spec, file in spiff.iter_task_specs(bundle):
        for source in spiff.sources_of(task_spec):
            problem = _source_problem(source)
            if problem is not None:
                problems.append(_placed(roots, file, task_spec.bpmn_id, source, problem))
    problems += _scripts_on_script_tasks(roots)
    return problems


def _source_problem(source: spiff.Source) -> dict[str, Any] | None:
    if source.timer is not None:
        timer = timer_expressions.problem(source.timer, source.code)
        if timer is not None:
            return {"reason": timer.reason, "fix": timer.fix}
    try:
        check_script(source.code, source.mode)
    except ScriptError as error:
        # The sandbox counts lines within the code; the problem's line is the file's, so the script's
        # own line is told in words (for code of one line it says nothing more).
        within = f" (line {error.line} of the {source.what})" if error.line and "\n" in source.code.strip() else ""
        problem: dict[str, Any] = {"reason": f"{source.what}{within}: {error.message}"}
        if source.timer is not None:
            problem["fix"] = (f"a timer is a Python expression on this engine: write a fixed {source.timer} in "
                              f"quotes, e.g. {timer_expressions.EXAMPLES[source.timer]}, or an expression of "
                              "the process data that gives one")
        return problem
    return None


def _placed(roots: Mapping[str, Any], file: str, element_id: str | None, source: spiff.Source,
            problem: dict[str, Any]) -> dict[str, Any]:
    """The problem at the element and file line that hold the code (a condition sits on its flow, an
    event-based gateway's timer on its branch event). A DMN cell is placed at the business rule task
    that calls its table, the cell's own file and line told in the reason."""
    held = bpmn_xml.code_holder(roots.get(file), element_id, source.code)
    owner, node = held if held is not None else (None, None)
    if source.node_id:
        cell = bpmn_xml.element_by_id(roots, source.node_id)
        if cell is not None:
            problem = {**problem, "reason": f"{problem['reason']} (cell '{source.node_id}' of {cell[0]}, "
                                           f"line {cell[1].sourceline})"}
    return {"file": file, "element_id": owner.get("id") if owner is not None else element_id,
            "line": node.sourceline if node is not None else None, **problem}


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
