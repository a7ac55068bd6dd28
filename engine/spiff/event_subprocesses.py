"""Interrupting event subprocesses, which SpiffWorkflow 3.2 runs as non-interrupting: it never reads a
start event's ``isInterrupting``, so the main flow carried on beside the handler.

At parse each event subprocess's start event spec gets ``interrupting`` from the XML (BPMN's default
is true); after every engine step, an interrupting start that has fired cancels everything else in the
workflow that holds the event subprocess, as BPMN says, and the handler runs alone to the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.util.task import TaskState

from engine.spiff.types import Workflow

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_DONE = "interrupted"  # internal data on the fired start, so it interrupts once


def mark_interrupting(subprocess_specs: Mapping[str, Mapping[str, Any]], roots: Mapping[str, Any]) -> None:
    """Set ``interrupting`` on every event subprocess's start event spec, from the XML."""
    interrupting = {
        start.get("id"): start.get("isInterrupting", "true").strip().lower() != "false"
        for root in roots.values()
        for handler in root.iter(f"{BPMN}subProcess") if handler.get("triggeredByEvent") == "true"
        for start in handler.findall(f"{BPMN}startEvent")
    }
    for specs in subprocess_specs.values():
        for spec in specs.values():
            for start in getattr(spec, "bpmn_start_events", []):
                if start.bpmn_id in interrupting:
                    start.interrupting = interrupting[start.bpmn_id]


def interrupt(workflow: Workflow) -> bool:
    """Cancel what an interrupting event subprocess interrupts; whether anything was."""
    changed = False
    if not getattr(workflow, "subprocesses", None):  # no event subprocess has started: nothing to read
        return False
    completed: list[Any] = list(workflow.get_tasks(state=TaskState.COMPLETED))  # the library's tasks
    for start in completed:
        if not getattr(start.task_spec, "interrupting", False) or start.internal_data.get(_DONE):
            continue
        start.internal_data[_DONE] = True
        holder = start.workflow.parent_workflow
        handler = holder.get_task_from_id(start.workflow.parent_task_id) if holder is not None else None
        if handler is None:
            continue
        for task in list(holder.get_tasks(state=TaskState.NOT_FINISHED_MASK)):
            if task.workflow is holder and task.state & TaskState.NOT_FINISHED_MASK \
                    and not _related(task, handler):
                task.cancel()  # its children and any subprocess it runs go with it
                changed = True
        for join in holder.get_tasks(state=TaskState.WAITING):
            if join.workflow is holder:
                join.task_spec._update(join)  # the end join waited for the branches just cancelled
    return changed


def _related(task: Any, handler: Any) -> bool:
    """Is ``task`` the handler, on its line back to the root, or after it?"""
    node = task
    while node is not None:
        if node is handler:
            return True
        node = node.parent
    node = handler.parent
    while node is not None:
        if node is task:
            return True
        node = node.parent
    return False
