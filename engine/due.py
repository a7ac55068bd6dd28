"""A human task's due time: from a ``due_at`` expression on the task, or from its boundary timer.

``<spiffworkflow:property name="due_at" value="due_in_working_days(referral['received_at'], 1)"/>``
is evaluated in the script sandbox when the task opens and must give a timezone-aware ISO datetime
(or a datetime). Without it, the earliest interrupting timer on the task's boundary is its due time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine import spiff
from engine.errors import ScriptError


def resolve_due_at(script_engine: Any, task: spiff.Task) -> datetime | None:
    expression = spiff.task_properties(task).get("due_at")
    if expression:
        return _aware(script_engine.evaluate(task, expression), task)
    return spiff.boundary_deadline(task)


def _aware(value: Any, task: spiff.Task) -> datetime:
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
