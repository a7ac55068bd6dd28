"""Where a workflow waits: every element it stands at until people, time, a message, a signal, a
condition or a called process moves it on, each with the process it belongs to.

Read from the restored workflow without evaluating anything (no correlation, no timer expression), so
it is safe on any stored state and costs a walk of the waiting catches, the sub-workflows and the ready
tasks people do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from SpiffWorkflow.util.task import TaskState

from engine.spiff.specs import MESSAGE_EVENT, TIMER_EVENTS
from engine.spiff.types import Workflow

# What a wait waits for (the ``kind`` column). ``incident`` is added by the engine, not found here.
USER_TASK, MANUAL_TASK, TIMER, MESSAGE, RECEIVE_TASK = "user_task", "manual_task", "timer", "message", "receive_task"
SIGNAL, CONDITION, EVENT_GATEWAY, CALL_ACTIVITY = "signal", "condition", "event_gateway", "call_activity"

_BY_DEFINITION = {**{name: TIMER for name in TIMER_EVENTS}, MESSAGE_EVENT: MESSAGE,
                  "SignalEventDefinition": SIGNAL, "ConditionalEventDefinition": CONDITION}


class Waiting(NamedTuple):
    process_id: str  # the process whose diagram draws the element (a called process's own id)
    element_id: str
    kind: str


def waiting_elements(workflow: Workflow) -> set[Waiting]:
    """Every element the workflow (and each of its sub-workflows) waits at, once per element and kind.

    Error and escalation catches are left out: they wait on their own activity, not on the world. An
    embedded subprocess counts for the process that draws it; a call activity is a wait of its caller
    while its called process's own waits count for that process.
    """
    found: set[Waiting] = set()
    catches: Iterable[Any] = workflow.event_manager.tasks.values()
    for task in catches:
        if task.state != TaskState.WAITING:
            continue
        found.update(_catch(task))
    ready: Iterable[Any] = workflow.get_tasks(state=TaskState.READY, manual=True)
    for task in ready:
        kind = MANUAL_TASK if type(task.task_spec).__name__ == "ManualTask" else USER_TASK
        found.add(Waiting(owning_process(task.workflow), task.task_spec.bpmn_id, kind))
    for sub in getattr(workflow, "subprocesses", {}).values():
        caller: Any = workflow.get_task_from_id(sub.parent_task_id)
        if not sub.completed and caller is not None and _is_call_activity(caller.task_spec):
            found.add(Waiting(owning_process(caller.workflow), caller.task_spec.bpmn_id, CALL_ACTIVITY))
    if not workflow.is_completed():
        found.update(_event_subprocess_starts(workflow))
    return found


def process_of(task: Any) -> str:
    """The process that draws the task's element."""
    return owning_process(task.workflow)


def owning_process(workflow: Any) -> str:
    """The process that draws a (sub-)workflow: its own for the top one and a called process, its
    caller's for an embedded subprocess or an event subprocess."""
    while getattr(workflow, "parent_task_id", None) is not None:
        parent = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
        if _is_call_activity(parent.task_spec):
            break
        workflow = parent.workflow
    return str(workflow.spec.name)


def _catch(task: Any) -> Iterable[Waiting]:
    spec = task.task_spec
    process_id = owning_process(task.workflow)
    parts = getattr(spec.event_definition, "event_definitions", None)
    if parts is not None and type(spec).__name__ == "EventBasedGateway":
        yield Waiting(process_id, spec.bpmn_id, EVENT_GATEWAY)
        for branch, definition in zip(spec.outputs, parts, strict=False):  # the gateway took its branches' events
            kind = _kind(branch, definition)
            if kind is not None:
                yield Waiting(process_id, branch.bpmn_id, kind)
        return
    kind = _kind(spec, spec.event_definition)
    if kind is not None and spec.bpmn_id is not None:
        yield Waiting(process_id, spec.bpmn_id, kind)


def _kind(spec: Any, definition: Any) -> str | None:
    if type(spec).__name__ == "ReceiveTask":
        return RECEIVE_TASK
    return _BY_DEFINITION.get(type(definition).__name__)


def _is_call_activity(spec: Any) -> bool:
    return type(spec).__name__ == "CallActivity"


def _event_subprocess_starts(workflow: Workflow) -> Iterable[Waiting]:
    """The message and signal starts of the top workflow's event subprocesses, which the library creates
    only when one arrives (a timer start waits as a catch of its own and is found with the others)."""
    for name in getattr(workflow.spec.start, "trigger_specs", []):
        spec = workflow.subprocess_specs.get(name)
        for start in getattr(spec, "bpmn_start_events", []):
            kind = _BY_DEFINITION.get(type(start.event_definition).__name__)
            if kind in (MESSAGE, SIGNAL):
                yield Waiting(str(workflow.spec.name), start.bpmn_id, kind)
