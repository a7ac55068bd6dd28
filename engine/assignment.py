"""Reassigning a task to someone else: a team manager (or an administrator) allocating work.

Claim and release (engine/task_actions.py) only ever move a task to or from the caller; this moves it
to a named person, who must be able to do it, with the same conditional update so a race is a clear 409.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor, may_do, may_reassign
from engine.errors import Conflict, Forbidden, Invalid
from engine.identity import actor_for
from engine.models import HumanTask, TaskStatus, User
from engine.queries import get_task
from engine.steps import Projector
from engine.task_actions import move_assignee


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
