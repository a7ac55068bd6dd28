"""Deploy-time check: every piece of Python in a bundle compiles under the sandbox policy.

Scripts are untrusted (process owners edit BPMN in the browser), so a bundle whose script tasks,
conditions, timer, due-date, message payload or correlation expressions, service parameters, pre/post
scripts or DMN cells break the policy is refused before anything runs, naming the element and line.
Pre/post scripts on a script task are refused too: SpiffWorkflow silently ignores them there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import spiff
from engine.errors import ScriptError
from engine.scripts import check_script


def check_bundle(bundle: spiff.ParsedBundle, roots: Mapping[str, Any]) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    for task_spec, file in spiff.iter_task_specs(bundle):
        for what, source, mode in spiff.sources_of(task_spec):
            try:
                check_script(source, mode)
            except ScriptError as error:
                problems.append({"file": file, "element_id": task_spec.bpmn_id, "line": error.line,
                                 "reason": f"{what}: {error.message}"})
    problems += _scripts_on_script_tasks(roots)
    return problems


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
