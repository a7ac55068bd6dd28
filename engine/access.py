"""Who may see and do what, for the engine's own resources (tasks, instances, definitions).

Lanes name groups (a task's ``group`` data path, when it has a value, names another: an escalation to
a group chosen in settings); a task's ``team`` and ``assignee`` (from data paths) narrow it further. A task is
visible to its assignee, to the managers of its team, and, while nobody has it, to the people who may
do it: once it is someone's (claimed, allocated by a data path, or completed), the rest of the lane no
longer sees it, so a case allocated to one worker is not open to the whole team. An instance is visible
to whoever the app's ``InstanceAccess`` hook says (the domain's family access matrix for an instance it
has bound to a family), and otherwise to those who work on it now: an open task of it they may see.
Having once completed a task grants nothing by itself. Anything else is reported as not found, so
nothing leaks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from engine.models import HumanTask, TaskStatus

ADMIN = "admin"
PROCESS_OWNER = "process_owner"
TEAM_MANAGER = "team_manager"


@dataclass(frozen=True)
class Actor:
    username: str
    groups: frozenset[str] = field(default_factory=frozenset)
    teams: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.groups

    @property
    def may_deploy(self) -> bool:
        return bool({ADMIN, PROCESS_OWNER} & self.groups)


SYSTEM = Actor("engine")


class InstanceAccess(Protocol):
    """The app's rule for reading an instance: True or False when it decides (an instance the domain
    binds to one of its records), None to leave it to participation."""

    def __call__(self, session: Session, actor: Actor, instance_id: int) -> bool | None: ...


class CorrelationCheck(Protocol):
    """The app's rule for who may address what: False refuses a sent message as if its correlation named
    nothing (the same 404 whether the record is hidden from the sender or does not exist), before any
    delivery, start or keeping."""

    def __call__(self, session: Session, actor: Actor, name: str, correlation: Mapping[str, Any],
                 payload: Mapping[str, Any]) -> bool: ...


def may_do(actor: Actor, task: HumanTask) -> bool:
    """May this person claim and complete the task (its lane's group, narrowed by team and assignee)?"""
    if task.group_id not in actor.groups:
        return False
    if task.team_id is not None and task.team_id not in actor.teams:
        return False
    return True


def may_see(actor: Actor, task: HumanTask) -> bool:
    if actor.is_admin or task.assignee == actor.username or (task.assignee is None and may_do(actor, task)):
        return True
    return TEAM_MANAGER in actor.groups and task.team_id is not None and task.team_id in actor.teams


def may_reassign(actor: Actor, task: HumanTask) -> bool:
    """Administrators, and team managers for their own team's tasks."""
    return actor.is_admin or (TEAM_MANAGER in actor.groups and task.team_id is not None
                              and task.team_id in actor.teams)


def may_release(actor: Actor, task: HumanTask) -> bool:
    """A claimed task goes back to its lane: by its assignee, an administrator, or its team's manager."""
    if task.assignee is None:
        return False
    return task.assignee == actor.username or may_reassign(actor, task)


def visible_tasks(actor: Actor) -> ColumnElement[bool]:
    """The same rule as ``may_see`` as a SQL condition, for the inbox queries."""
    if actor.is_admin:
        return true()
    conditions: list[ColumnElement[bool]] = [HumanTask.assignee == actor.username]
    if actor.groups:
        conditions.append(
            and_(
                HumanTask.assignee.is_(None),
                HumanTask.group_id.in_(sorted(actor.groups)),
                or_(HumanTask.team_id.is_(None), HumanTask.team_id.in_(sorted(actor.teams)))
                if actor.teams
                else HumanTask.team_id.is_(None),
            )
        )
    if TEAM_MANAGER in actor.groups and actor.teams:
        conditions.append(HumanTask.team_id.in_(sorted(actor.teams)))
    return or_(*conditions) if conditions else false()


def doable_tasks(actor: Actor) -> ColumnElement[bool]:
    """The same rule as ``may_do`` as a SQL condition: the caller's groups, narrowed by their teams."""
    if not actor.groups:
        return false()
    team_ok = (or_(HumanTask.team_id.is_(None), HumanTask.team_id.in_(sorted(actor.teams))) if actor.teams
               else HumanTask.team_id.is_(None))
    return and_(HumanTask.group_id.in_(sorted(actor.groups)), team_ok)


def instance_visible(session: Session, actor: Actor, instance_id: int,
                     bound: InstanceAccess | None = None) -> bool:
    """The app's rule when it decides; otherwise administrators, and those with an open task of it they
    may see (a completed one is history, not a reason to read the instance for ever)."""
    decided = bound(session, actor, instance_id) if bound is not None else None
    if decided is not None:
        return decided
    if actor.is_admin:
        return True
    works_on = and_(HumanTask.instance_id == instance_id, HumanTask.state == TaskStatus.OPEN, visible_tasks(actor))
    return bool(session.scalar(select(exists().where(works_on))))
