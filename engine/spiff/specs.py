"""Reading parsed specs: every element of a bundle, a task's spiffworkflow properties, which tasks
people do, which processes a message or a timer starts, which operation a service task names."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from SpiffWorkflow.bpmn.specs.mixins.manual_task import ManualTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from engine.spiff.parsing import ParsedBundle
from engine.spiff.types import ProcessSpec, Task, TaskSpec

TIMER_EVENTS = ("DurationTimerEventDefinition", "TimeDateEventDefinition", "CycleTimerEventDefinition")
MESSAGE_EVENT = "MessageEventDefinition"


class HumanTaskType(NamedTuple):
    bpmn_id: str
    name: str  # the element's name, else its id
    lane: str | None = None  # the group that does it (the lane's name)


def task_properties(task: Task) -> dict[str, str]:
    return task_properties_of_spec(task.task_spec)


def task_properties_of_spec(task_spec: TaskSpec) -> dict[str, str]:
    """The ``spiffworkflow:properties`` of an element (form, assignee, team, due_at, priority...)."""
    return dict(getattr(task_spec, "extensions", {}).get("properties", {}) or {})


def spec_type(task: Task) -> str:
    """The library's class name for the task's element (``UserTask``, ``ScriptTask``, ``EndEvent``...)."""
    return type(task.task_spec).__name__


def operation_name(task_spec: TaskSpec) -> str | None:
    """The operation a service task names (``register_family``), or None for any other element."""
    name = getattr(task_spec, "operation_name", None)
    return name if isinstance(name, str) else None


def iter_task_specs(bundle: ParsedBundle) -> Iterable[tuple[TaskSpec, str]]:
    """Every task spec with a BPMN id in every process and call-activity spec of a bundle, once, with
    the file it came from."""
    seen: set[int] = set()
    specs = list(bundle.specs.values())
    for subprocesses in bundle.subprocess_specs.values():
        specs.extend(subprocesses.values())
    for process_spec in specs:
        if id(process_spec) in seen:
            continue
        seen.add(id(process_spec))
        for task_spec in process_spec.task_specs.values():
            if getattr(task_spec, "bpmn_id", None):
                yield task_spec, process_spec.file or "-"


def human_task_types(bundle: ParsedBundle, process_id: str) -> Iterator[HumanTaskType]:
    """The user and manual tasks of a process and of every process it calls or embeds."""
    specs = [bundle.specs.get(process_id), *bundle.subprocess_specs.get(process_id, {}).values()]
    for spec in specs:
        for task_spec in getattr(spec, "task_specs", {}).values():
            if isinstance(task_spec, UserTask | ManualTask):
                yield HumanTaskType(task_spec.bpmn_id, task_spec.bpmn_name or task_spec.bpmn_id, task_spec.lane)


def _start_events(spec: ProcessSpec) -> list[Any]:
    start = spec.task_specs.get("Start")
    return list(getattr(start, "outputs", []))


def message_starts(bundle: ParsedBundle) -> dict[str, list[str]]:
    """Message name -> the processes of the bundle that a message start event of that name starts."""
    starts: dict[str, list[str]] = {}
    for process_id, spec in bundle.specs.items():
        for output in _start_events(spec):
            definition = getattr(output, "event_definition", None)
            if definition is not None and type(definition).__name__ == MESSAGE_EVENT:
                starts.setdefault(definition.name, []).append(process_id)
    return starts


def has_timer_start(spec: ProcessSpec) -> bool:
    return any(type(getattr(output, "event_definition", None)).__name__ in TIMER_EVENTS
               for output in _start_events(spec))
