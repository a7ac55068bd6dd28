"""Writing a step's outcome: the instance row, the human-task projection, the message waits, where the
instance waits (engine/waits.py) and the step's events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine import spiff, waits
from engine.definitions import LoadedVersion
from engine.messages import sync_waits
from engine.models import HumanTask, HumanTaskField, InstanceStatus, TaskStatus
from engine.steps import StepContext

DueAtResolver = Callable[[spiff.Task, datetime], datetime | None]


def get_path(data: Any, path: str) -> Any:
    """``"allocation.case_manager"`` -> data["allocation"]["case_manager"]; None when any part is missing."""
    current = data
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


def save(
    ctx: StepContext,
    workflow: spiff.Workflow,
    version: LoadedVersion,
    state_text: str,
    *,
    since: float,
    due_at: DueAtResolver,
    handled: set[str],
) -> None:
    """Store the state and bring the projections in step with it.

    ``handled`` holds task ids whose events the action already recorded (a user's completion).
    The projection's reads run without autoflush: everything is written in the one flush at commit.
    """
    with ctx.session.no_autoflush:
        _save(ctx, workflow, version, state_text, since=since, due_at=due_at, handled=handled)


def _save(ctx: StepContext, workflow: spiff.Workflow, version: LoadedVersion, state_text: str, *, since: float,
          due_at: DueAtResolver, handled: set[str]) -> None:
    row = ctx.instance
    row.state = state_text
    row.data = spiff.data_at(workflow)
    row.updated_at = ctx.now
    if row.status == InstanceStatus.ACTIVE and workflow.is_completed():
        row.status = InstanceStatus.COMPLETED
        row.ended_at = ctx.now
    timers = spiff.timer_due_times(workflow) if row.status == InstanceStatus.ACTIVE else []
    row.next_timer_due_at = min(timers) if timers else None
    _record_automatic_work(ctx, workflow, since, handled)
    _sync_human_tasks(ctx, workflow, version, due_at)
    sync_waits(ctx, workflow, active=row.status == InstanceStatus.ACTIVE)
    waits.sync(ctx, workflow)
    if row.status == InstanceStatus.COMPLETED and row.ended_at == ctx.now:
        ctx.record("instance_completed", actor="engine")


def _record_automatic_work(ctx: StepContext, workflow: spiff.Workflow, since: float, handled: set[str]) -> None:
    for task in spiff.tasks_changed_since(workflow, since):
        bpmn_id = task.task_spec.bpmn_id
        task_id = str(task.id)
        if bpmn_id is None or task_id in handled or getattr(task.task_spec, "manual", False):
            continue
        if spiff.is_completed(task):
            ctx.record("task_completed", task_id=task_id, bpmn_id=bpmn_id, actor="engine",
                       data={"name": task.task_spec.bpmn_name, "type": spiff.spec_type(task)})


def _sync_human_tasks(
    ctx: StepContext, workflow: spiff.Workflow, version: LoadedVersion, due_at: DueAtResolver
) -> None:
    session = ctx.session
    instance = ctx.instance
    open_rows = {
        r.id: r
        for r in session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == TaskStatus.OPEN)
        )
    }
    ready = {}
    if instance.status == InstanceStatus.ACTIVE:
        ready = {str(t.id): t for t in spiff.ready_human_tasks(workflow)}
    for task_id, row in open_rows.items():
        if task_id in ready:
            continue
        task = spiff.find_task(workflow, task_id)
        row.ended_at = ctx.now
        if task is not None and spiff.is_completed(task):
            row.state = TaskStatus.COMPLETED
        else:
            row.state = TaskStatus.CANCELLED
            ctx.record("task_cancelled", task_id=task_id, bpmn_id=row.bpmn_id, actor="engine")
    process = version.processes.get(instance.process_id)
    inbox_fields = process.inbox_fields if process is not None else []
    for task_id, task in ready.items():
        if task_id in open_rows:
            continue
        row = _new_task_row(ctx, task, inbox_fields, due_at)
        session.add(row)  # the unit of work inserts it before the field rows that reference it
        for name, value in row.fields.items():
            if value is not None:
                session.add(HumanTaskField(task_id=task_id, name=name, value=str(value)[:255]))
        ctx.record("task_opened", task_id=task_id, bpmn_id=row.bpmn_id, actor="engine",
                   data={"group": row.group_id, "team": row.team_id, "assignee": row.assignee})


def _new_task_row(ctx: StepContext, task: spiff.Task, inbox_fields: list[str], due_at: DueAtResolver) -> HumanTask:
    properties = spiff.task_properties(task)
    data = task.data
    assignee = get_path(data, properties["assignee"]) if "assignee" in properties else None
    team = get_path(data, properties["team"]) if "team" in properties else None
    # A ``group`` data path hands the task to a group chosen at run time (a manager group named in the
    # app's settings); without a value the lane's group does it, so a task always has one.
    group = get_path(data, properties["group"]) if "group" in properties else None
    priority = properties.get("priority", "0")
    return HumanTask(
        id=str(task.id),
        instance_id=ctx.instance.id,
        process_id=ctx.instance.process_id,
        bpmn_id=task.task_spec.bpmn_id,
        name=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
        group_id=str(group) if group else task.task_spec.lane,
        team_id=str(team) if team else None,
        assignee=str(assignee) if assignee else None,
        state=TaskStatus.OPEN,
        form_key=properties.get("form"),
        priority=int(priority) if priority.lstrip("-").isdigit() else 0,
        created_at=ctx.now,
        due_at=due_at(task, ctx.now),
        fields={name: _json_scalar(get_path(data, name)) for name in inbox_fields},
    )


def _json_scalar(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)

