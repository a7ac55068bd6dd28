"""Reading and setting timers in a workflow: when each waiting timer fires, a task's boundary
deadline, and a process's timer start event (its next time, and making it fire once)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.spiff.specs import TIMER_EVENTS
from engine.spiff.tasks import waiting_events
from engine.spiff.types import Task, Workflow


def _fire_time(value: Any) -> datetime | None:
    """A timer's stored value as a time: a date or duration keeps an ISO string; a cycle keeps
    ``{'cycles', 'next', 'duration'}``."""
    if isinstance(value, dict):
        value = value.get("next")
    return TimerEventDefinition.get_datetime(value) if isinstance(value, str) else None


def timer_due_times(workflow: Workflow) -> list[datetime]:
    """When each timer the workflow waits on fires."""
    due: list[datetime] = []
    for event in waiting_events(workflow):
        if event.event_type in TIMER_EVENTS:
            moment = _fire_time(event.value)
            if moment is not None:
                due.append(moment)
    return due


def boundary_deadline(task: Task) -> datetime | None:
    """The earliest interrupting timer waiting on the task's boundary (a reminder is not a deadline)."""
    parent = task.parent
    if parent is None or not type(parent.task_spec).__name__.endswith("BoundaryEventSplit"):
        return None
    due = []
    for sibling in parent.children:
        definition = getattr(sibling.task_spec, "event_definition", None)
        if sibling is task or type(definition).__name__ not in TIMER_EVENTS:
            continue
        if not getattr(sibling.task_spec, "cancel_activity", True):
            continue
        if sibling.state == TaskState.WAITING:
            moment = _fire_time(sibling.internal_data.get("event_value"))
            if moment is not None:
                due.append(moment)
    return min(due) if due else None


def cycle_expression(task_spec: Any) -> str | None:
    """The expression of the task spec's cycle timer (``"R/PT1H"``), if it has one."""
    definition = getattr(task_spec, "event_definition", None)
    if type(definition).__name__ != "CycleTimerEventDefinition":
        return None
    expression = getattr(definition, "expression", None)
    return expression if isinstance(expression, str) else None


def cycle_period_s(value: Any) -> float | None:
    """Seconds between the repeats of an ISO cycle (``R3/PT1M`` is 60.0), or None if it does not parse."""
    try:
        _cycles, _start, duration = TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:  # the library raises ValueError, AttributeError or IndexError on a bad cycle
        return None
    return float(duration.total_seconds())


def is_iso_duration(value: Any) -> bool:
    """Does the library read ``value`` as the ISO 8601 duration of a duration timer (``"P14D"``)?"""
    if not isinstance(value, str) or not value.upper().startswith("P"):
        return False
    try:
        TimerEventDefinition.parse_iso_duration(value)
    except Exception:  # the library raises a bare Exception('Invalid duration')
        return False
    return True


def is_timer_date(task: Any, expression: str) -> bool:
    """Is ``expression`` the date expression of the task's timer-date event?"""
    definition = getattr(task.task_spec, "event_definition", None)
    is_date = type(definition).__name__ == "TimeDateEventDefinition"
    return is_date and getattr(definition, "expression", None) == expression


@dataclass(frozen=True)
class StartTimer:
    """A timer start event's next time and, for a cycle, ``{'cycles', 'next', 'duration'}``."""

    due_at: datetime
    cycle: dict[str, Any] | None


def _start_timer_tasks(workflow: Workflow, state: Any = TaskState.WAITING) -> Iterator[Task]:
    for task in workflow.get_tasks(state=state):
        definition = getattr(task.task_spec, "event_definition", None)
        if type(task.task_spec).__name__ == "StartEvent" and type(definition).__name__ in TIMER_EVENTS:
            yield task


def start_timer(workflow: Workflow) -> StartTimer | None:
    """The waiting start timer of a workflow just started (and run), if its process has one."""
    for task in _start_timer_tasks(workflow):
        value = task.internal_data.get("event_value")
        cycle = value if isinstance(value, dict) else None
        due = value.get("next") if isinstance(value, dict) else value
        return StartTimer(datetime.fromisoformat(due), cycle) if isinstance(due, str) else None
    return None


def fire_start_timers(workflow: Workflow, moment: datetime) -> None:
    """Make a new workflow's start timers due at ``moment``, once, before it first runs.

    The engine owns a timer start's schedule (one instance per cycle), so in the instance the start
    fires exactly once. Set before the first run, the library reads the stored value instead of
    evaluating the timer itself; evaluated, a cycle whose first times have passed would fire once for
    each of them and run the instance's path several times.
    """
    for task in _start_timer_tasks(workflow, TaskState.NOT_FINISHED_MASK):
        if type(getattr(task.task_spec, "event_definition", None)).__name__ == "CycleTimerEventDefinition":
            task.internal_data["event_value"] = {"cycles": 1, "next": moment.isoformat(), "duration": 0}
        else:
            task.internal_data["event_value"] = moment.isoformat()
