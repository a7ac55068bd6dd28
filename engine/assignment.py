"""Reassigning a task to someone else: a team manager (or an administrator) allocating work.

Claim and unclaim (in runtime.py) only ever move a task to or from the caller; this moves it to a
named person, who must be able to do it, with the same conditional update so a race is a clear 409.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.access import TEAM_MANAGER, Actor, may_do
from engine.errors import Conflict, Forbidden, Invalid
from engine.identity import actor_for
from engine.models import HumanTask, TaskStatus, User
from engine.task_actions import move_assignee, visible_task

if TYPE_CHECKING:
    from engine.runtime import Engine


def may_reassign(actor: Actor, task: HumanTask) -> bool:
    """Administrators, and team managers for their own team's tasks."""
    return actor.is_admin or (TEAM_MANAGER in actor.groups and task.team_id is not None
                              and task.team_id in actor.teams)


def reassign(engine: Engine, task_id: str, to_username: str, actor: Actor) -> HumanTask:
    session = engine.session()
    try:
        row = visible_task(session, task_id, actor)
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
        return move_assignee(session, row, condition, to_username, actor=actor, now=engine.clock.now(),
                             projectors=engine.projectors, kind="task_reassigned",
                             data={"from": previous, "assignee": to_username},
                             lost=("the task changed hands meanwhile; try again", "lost_race"))
    except BaseException:
        session.rollback()
        raise
