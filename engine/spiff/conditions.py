"""Conditional catch events re-evaluated after every step against the latest data of their process.

The library evaluates a waiting conditional event against its own task data, a copy taken when its
branch reached it, so data set on another branch (a person's answer, a script) never made it fire;
only data objects, which live on the process, did. After each step of an instance, each waiting
conditional catch is tried with the data of its process's latest completed step laid over its own;
when the condition holds, it fires and carries that data on, else its data is left as it was.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.util.task import TaskState

from engine.spiff.types import Workflow

CONDITIONAL = "ConditionalEventDefinition"


def fire_conditional_events(workflow: Workflow) -> bool:
    """Whether any waiting conditional catch fired."""
    fired = False
    waiting: list[Any] = list(workflow.get_tasks(state=TaskState.WAITING))  # the library's tasks
    for task in waiting:
        if type(getattr(task.task_spec, "event_definition", None)).__name__ != CONDITIONAL:
            continue
        definition = task.task_spec.event_definition
        own = dict(task.data)
        task.data.update(_latest_data(task))
        # Evaluated here: the library's update would first copy its parent's data back over the task.
        if workflow.script_engine.evaluate(task, definition.expression, external_context=task.workflow.data_objects):
            task._ready()
            fired = True
        else:
            task.data.clear()
            task.data.update(own)
    return fired


def _latest_data(task: Any) -> dict[str, Any]:
    completed = [t for t in task.workflow.get_tasks(state=TaskState.COMPLETED) if t.workflow is task.workflow]
    latest = max(completed, key=lambda t: t.last_state_change, default=None)
    return dict(latest.data) if latest is not None else {}
