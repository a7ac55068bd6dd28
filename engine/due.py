"""A human task's due time: from a ``due_at`` expression on the task, or from its boundary timer.

``<spiffworkflow:property name="due_at" value="due_in_working_days(referral['received_at'], 1)"/>``
is evaluated in the script sandbox when the task opens and must give a timezone-aware ISO datetime
(or a datetime). Without it, the earliest interrupting timer on the task's boundary is its due time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine import spiff
from engine.errors import ScriptError


def resolve_due_at(script_engine: Any, task: Any) -> datetime | None:
    expression = spiff.task_properties(task).get("due_at")
    if expression:
        return _aware(script_engine.evaluate(task, expression), task)
    return boundary_timer_due(task)


def boundary_timer_due(task: Any) -> datetime | None:
    parent = task.parent
    if parent is None or not type(parent.task_spec).__name__.endswith("BoundaryEventSplit"):
        return None
    due = []
    for sibling in parent.children:
        definition = getattr(sibling.task_spec, "event_definition", None)
        if sibling is task or type(definition).__name__ not in spiff.TIMER_EVENTS:
            continue
        if not getattr(sibling.task_spec, "cancel_activity", True):  # a reminder is not a deadline
            continue
        if sibling.state == TaskState.WAITING:
            value = sibling.internal_data.get("event_value")
            if isinstance(value, dict):
                value = value.get("next")
            if isinstance(value, str):
                due.append(TimerEventDefinition.get_datetime(value))
    return min(due) if due else None


def _aware(value: Any, task: Any) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as error:
            raise ScriptError(f"due_at gave '{value}', not an ISO datetime", task_id=str(task.id),
                              element_id=task.task_spec.bpmn_id) from error
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ScriptError(f"due_at must give a timezone-aware datetime, not {value!r}", task_id=str(task.id),
                          element_id=task.task_spec.bpmn_id)
    return value
