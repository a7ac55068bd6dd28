"""Reassigning a task to someone else: a team manager (or an administrator) allocating work.

Claim and release (engine/task_actions.py) only ever move a task to or from the caller; this moves it
to a named person, who must be able to do it, with the same conditional update so a race is a clear 409.

``following`` is the reassign that also moves what the task's assignee came from: when the task's
``assignee`` property is a data path (``allocation.case_manager``), the path is set to the new person in
the task's data, so every later task that reads the same path goes to them; the app's ``follow`` hook
sees the move in the same transaction (the domain moves its own record of who leads, or refuses).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import spiff
from engine.access import Actor, may_do, may_reassign
from engine.errors import Conflict, Forbidden, Invalid
from engine.identity import actor_for
from engine.models import HumanTask, TaskStatus, User
from engine.queries import get_task
from engine.steps import Projector, StepContext
from engine.task_actions import move_assignee
from engine.transaction import Action

# The app's hook on a following reassign: (the step, the task row before the move, the data path the
# assignee came from or None). It may write in the step's transaction; an engine error refuses it all.
Follow = Callable[[StepContext, HumanTask, str | None], None]


def reassign(session: Session, task_id: str, to_username: str, actor: Actor, *, now: datetime,
             projectors: Sequence[Projector]) -> HumanTask:
    try:
        row = get_task(session, actor, task_id)
        if row.state != TaskStatus.OPEN:
            raise Conflict(f"the task is already {row.state}", task_id=task_id, code="task_not_open")
        if not may_reassign(actor, row):
            raise Forbidden("only the team's manager may reassign this task", task_id=task_id)
        user = session.scalar(select(User).where(User.username == to_username, User.active.is_(True)))
        if user is None or not may_do(actor_for(session, user), row):
            raise Invalid(f"{to_username} may not do this task", task_id=task_id,
                          details={"assignee": ["Select someone who may do this task"]})
        previous = row.assignee
        # Conditional on the assignee we read: two managers reassigning at once, exactly one wins.
        condition = HumanTask.assignee.is_(None) if previous is None else HumanTask.assignee == previous
        return move_assignee(session, row, condition, to_username, actor=actor, now=now, projectors=projectors,
                             kind="task_reassigned", data={"from": previous, "assignee": to_username},
                             lost=("the task changed hands meanwhile; try again", "lost_race"))
    except BaseException:
        session.rollback()
        raise


def following(task_id: str, to_username: str, actor: Actor, follow: Follow) -> Action[None]:
    """The engine action of a reassign that keeps the task's data-bound assignee in step (see above).

    Under the instance lock, so no step reads the old assignee meanwhile; nothing is written when a check
    or ``follow`` refuses."""

    def run(workflow: spiff.Workflow, ctx: StepContext) -> None:
        session = ctx.session
        row = session.get(HumanTask, task_id, populate_existing=True)
        assert row is not None
        if row.state != TaskStatus.OPEN:
            raise Conflict(f"the task is already {row.state}", task_id=task_id, code="task_not_open")
        if not may_reassign(actor, row):
            raise Forbidden("only the team's manager may reassign this task", task_id=task_id)
        task = spiff.find_task(workflow, task_id)
        path = spiff.task_properties(task).get("assignee") if task is not None else None
        follow(ctx, row, path)
        user = session.scalar(select(User).where(User.username == to_username, User.active.is_(True)))
        if user is None or not may_do(actor_for(session, user), row):
            raise Invalid(f"{to_username} may not do this task", task_id=task_id,
                          details={"assignee": ["Select someone who may do this task"]})
        previous = row.assignee
        row.assignee = to_username
        if task is not None and path:
            _rebind(task, path, to_username)
        ctx.record("task_reassigned", task_id=row.id, bpmn_id=row.bpmn_id,
                   data={"from": previous, "assignee": to_username, **({"path": path} if path else {})})

    return run


def _rebind(task: spiff.Task, path: str, value: str) -> None:
    """``path`` set to ``value`` in the task's data. The task's data passes to the tasks after it; a
    boundary event waiting beside it (an overdue timer) takes its data from their common parent when it
    fires, so those waiting siblings and that parent are set too."""
    parent = task.parent
    waiting = [t for t in parent.children if t is not task and not spiff.is_completed(t)] if parent else []
    for each in [task, *waiting, *([parent] if parent is not None and waiting else [])]:
        each.data.update(_with_path(each.data, path.split("."), value))


def _with_path(data: dict[str, Any], parts: list[str], value: str) -> dict[str, Any]:
    """The top-level entries of ``data`` that change when ``parts`` is set (copies, never shared)."""
    head, rest = parts[0], parts[1:]
    if not rest:
        return {head: value}
    inner = data.get(head)
    inner = dict(inner) if isinstance(inner, dict) else {}
    inner.update(_with_path(inner, rest, value))
    return {head: inner}
