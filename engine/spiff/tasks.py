"""A running workflow's tasks: creating a workflow, finding its tasks, and the data of its latest step."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.spiff.types import ProcessSpec, Task, Workflow


def new_workflow(spec: ProcessSpec, subprocess_specs: dict[str, ProcessSpec], script_engine: Any,
                 data: Mapping[str, Any] | None = None) -> Workflow:
    """A workflow at its start, not yet run, with ``data`` as its initial task data."""
    workflow: Workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    workflow.task_tree.data.update(data or {})
    return workflow


def waiting_events(workflow: Workflow) -> list[Any]:
    """What every waiting catch waits for (``PendingBpmnEvent``: name, event_type, value, correlations).

    The library's ``waiting_events()`` reports an event-based gateway as one ``MultipleEventDefinition``
    with no name or value; here it is each of its branches' events (a message, a timer with its due
    time), so the message and timer indexes see them. The gateway never lets its message branches work
    out their correlation, as a message catch of its own does when it starts waiting: done here.
    """
    found = []
    for task in workflow.event_manager.tasks.values():
        definition = task.task_spec.event_definition
        parts = getattr(definition, "event_definitions", None)
        for part in parts or [definition]:
            if parts and getattr(part, "process_correlations", None):
                part.update_task(task)
            found.append(part.details(task))
    return found


def ready_human_tasks(workflow: Workflow) -> list[Task]:
    return list(workflow.get_tasks(state=TaskState.READY, manual=True))


def has_ready_automatic_tasks(workflow: Workflow) -> bool:
    return workflow.get_next_task(state=TaskState.READY, manual=False) is not None


def path_length(workflow: Workflow) -> int:
    """The most tasks on one path from a start, in the workflow or any of its sub-workflows.

    Every round of a loop adds tasks below the last, so this grows with the rounds. SpiffWorkflow's task
    iterator does not descend past depth 1000: work lying deeper is invisible, and the workflow would
    report itself completed without reaching an end event.
    """
    roots = [workflow.task_tree, *(sub.task_tree for sub in getattr(workflow, "subprocesses", {}).values())]
    deepest = 0
    stack = [(root, 0) for root in roots]
    while stack:
        task, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in task.children)
    return deepest


def is_ready(task: Task) -> bool:
    return bool(task.state == TaskState.READY)


def is_completed(task: Task) -> bool:
    return bool(task.state == TaskState.COMPLETED)


def find_task(workflow: Workflow, task_id: str) -> Task | None:
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except Exception:  # SpiffWorkflow raises its own TaskNotFoundException; a bad uuid is the same answer
        return None


def tasks_changed_since(workflow: Workflow, since: float) -> Iterator[Task]:
    """Tasks whose state changed at or after ``since`` (``time.time()``), in every subprocess, in the
    order they changed (the library lists them in tree order: a call activity before its steps)."""
    return iter(sorted(workflow.get_tasks(updated_ts=since), key=lambda task: task.last_state_change))


def data_at(workflow: Workflow) -> dict[str, Any]:
    """The data as of the latest step: what the open user tasks see, or the workflow's data once done."""
    if workflow.is_completed():
        return dict(workflow.data)
    ready = ready_human_tasks(workflow)
    if ready:
        return dict(ready[0].data)
    latest = max(
        workflow.get_tasks(state=TaskState.COMPLETED | TaskState.WAITING | TaskState.STARTED),
        key=lambda t: t.last_state_change,
        default=None,
    )
    return dict(latest.data) if latest is not None else dict(workflow.task_tree.data)
