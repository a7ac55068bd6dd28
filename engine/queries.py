"""The read side: the inbox query, one task, one instance and its history, the next instance a
timer sweep should advance, and the counts operations watch. Every query is indexed and bounded; access
rules are applied in SQL, so a page never loads what the caller may not see.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, tuple_
from sqlalchemy.orm import Session

from engine.access import Actor, InstanceAccess, doable_tasks, instance_visible, may_do, may_see, visible_tasks
from engine.errors import Invalid, NotFound
from engine.locking import skipping_locked
from engine.models import (
    DefinitionProcess,
    DefinitionVersion,
    Event,
    HumanTask,
    HumanTaskField,
    Instance,
    InstanceStatus,
    OutboxMessage,
    ProcessVersion,
    TaskStatus,
)

MAX_PAGE = 200
DuePosition = tuple[datetime, int]  # (next timer due at, instance id): where a sweep has got to


@dataclass
class TaskFilter:
    state: str | None = TaskStatus.OPEN.value
    group: str | None = None
    assignee: str | None = None
    team: str | None = None
    instance_id: int | None = None
    bpmn_id: str | None = None
    # Any of these elements (tasks of one name in several lanes or processes); empty: no such filter.
    bpmn_ids: tuple[str, ...] = ()
    overdue: bool | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    limit: int = 50
    cursor: str | None = None
    # Unclaimed tasks the caller may claim and do (their groups and teams), not merely see.
    claimable: bool = False
    # Oldest first (longest waiting) instead of newest first; the same index, read backwards.
    oldest_first: bool = False


@dataclass
class TaskPage:
    items: list[HumanTask]
    next: str | None


@dataclass
class InstanceView:
    instance: Instance
    version: int  # the version of its own process it runs
    open_tasks: list[HumanTask]
    pins: dict[str, int]  # {process id: version number} of its process and every process it calls


def encode_cursor(task: HumanTask) -> str:
    raw = json.dumps([task.created_at.isoformat(), task.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_at, task_id = json.loads(base64.urlsafe_b64decode(padded))
        moment = datetime.fromisoformat(created_at)
        if moment.tzinfo is None or not isinstance(task_id, str):
            raise ValueError(cursor)
        return moment, task_id
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as error:
        raise Invalid("the cursor is not one this API gave out", details={"cursor": ["Invalid cursor."]}) from error


def _filtered(actor: Actor, query: TaskFilter, now: datetime) -> Select[Any]:
    # Tasks one may do are a subset of those one may see: the narrower condition alone plans better.
    if query.claimable:
        statement = select(HumanTask).where(HumanTask.assignee.is_(None), doable_tasks(actor))
    else:
        statement = select(HumanTask).where(visible_tasks(actor))
    if query.state:
        statement = statement.where(HumanTask.state == query.state)
    for column, value in (
        (HumanTask.group_id, query.group),
        (HumanTask.assignee, query.assignee),
        (HumanTask.team_id, query.team),
        (HumanTask.instance_id, query.instance_id),
        (HumanTask.bpmn_id, query.bpmn_id),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if query.bpmn_ids:
        statement = statement.where(HumanTask.bpmn_id.in_(query.bpmn_ids))
    if query.overdue is True:
        statement = statement.where(HumanTask.due_at < now)
    elif query.overdue is False:
        statement = statement.where(or_(HumanTask.due_at.is_(None), HumanTask.due_at >= now))
    for name, value in query.fields.items():
        statement = statement.where(
            exists().where(
                HumanTaskField.task_id == HumanTask.id, HumanTaskField.name == name, HumanTaskField.value == value
            )
        )
    return statement


def list_tasks(session: Session, actor: Actor, query: TaskFilter, now: datetime) -> TaskPage:
    """Newest first (or oldest first), keyset-paginated on (created_at, id), so each page is one index range."""
    if not 1 <= query.limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}", details={"limit": [f"Must be 1 to {MAX_PAGE}."]})
    statement = _filtered(actor, query, now)
    if query.cursor:
        created_at, task_id = decode_cursor(query.cursor)
        if query.oldest_first:
            statement = statement.where(or_(HumanTask.created_at > created_at,
                                            and_(HumanTask.created_at == created_at, HumanTask.id > task_id)))
        else:
            statement = statement.where(or_(HumanTask.created_at < created_at,
                                            and_(HumanTask.created_at == created_at, HumanTask.id < task_id)))
    order = ((HumanTask.created_at.asc(), HumanTask.id.asc()) if query.oldest_first
             else (HumanTask.created_at.desc(), HumanTask.id.desc()))
    rows: list[HumanTask] = list(session.scalars(statement.order_by(*order).limit(query.limit + 1)))
    next_cursor = encode_cursor(rows[query.limit - 1]) if len(rows) > query.limit else None
    return TaskPage(items=rows[: query.limit], next=next_cursor)


def count_tasks(session: Session, actor: Actor, query: TaskFilter, now: datetime, *, cap: int = 1000) -> int:
    """How many tasks match, counted up to ``cap`` (a bounded read: the inbox shows "1000+")."""
    inner = _filtered(actor, query, now).with_only_columns(HumanTask.id).limit(cap + 1).subquery()
    return int(session.scalar(select(func.count()).select_from(inner)) or 0)


def get_task(session: Session, actor: Actor, task_id: str) -> HumanTask:
    """A task the caller sees; NotFound otherwise (the same answer as for an id that does not exist)."""
    row = session.get(HumanTask, task_id)
    if row is None or not may_see(actor, row):
        raise NotFound(f"task {task_id} not found", task_id=task_id)
    return row


def get_actionable_task(session: Session, actor: Actor, task_id: str) -> HumanTask:
    """A task to claim, release, complete or reassign: one the caller sees, or one of their lane and team.

    A candidate who lost the task to a colleague (an inbox race, or an allocation) hears a 409 that
    names nobody and carries no data, rather than a puzzling 404; everyone else gets the 404.
    """
    row = session.get(HumanTask, task_id)
    if row is None or not (may_see(actor, row) or may_do(actor, row)):
        raise NotFound(f"task {task_id} not found", task_id=task_id)
    return row


def get_instance(session: Session, actor: Actor, instance_id: int, *,
                 bound: InstanceAccess | None = None) -> InstanceView:
    """The instance with its open tasks; NotFound alike for an unknown id and one the caller may not read
    (``bound``: the app's rule, ``Engine.instance_access``)."""
    row = session.get(Instance, instance_id)
    if row is None or not instance_visible(session, actor, instance_id, bound):
        raise NotFound(f"instance {instance_id} not found", instance_id=instance_id)
    pins = instance_pins(session, row)
    open_tasks = list(
        session.scalars(
            select(HumanTask)
            .where(HumanTask.instance_id == instance_id, HumanTask.state == TaskStatus.OPEN)
            .order_by(HumanTask.created_at, HumanTask.id)
        )
    )
    return InstanceView(instance=row, version=pins.get(row.process_id, 0), open_tasks=open_tasks, pins=pins)


def instance_pins(session: Session, row: Instance) -> dict[str, int]:
    """The versions an instance runs: its pins, or (created before versions were kept per process) the
    version of its own process its bundle was numbered as."""
    if row.pins:
        return dict(sorted(row.pins.items()))
    number = session.scalar(select(ProcessVersion.number).where(
        ProcessVersion.process_id == row.process_id, ProcessVersion.bundle_id == row.version_id)
        .order_by(ProcessVersion.number.desc()).limit(1))
    return {row.process_id: number} if number is not None else {}


def history(session: Session, actor: Actor, instance_id: int, *, limit: int = 1000,
            bound: InstanceAccess | None = None) -> list[Event]:
    if session.get(Instance, instance_id) is None or not instance_visible(session, actor, instance_id, bound):
        raise NotFound(f"instance {instance_id} not found", instance_id=instance_id)
    return list(
        session.scalars(select(Event).where(Event.instance_id == instance_id).order_by(Event.id).limit(limit))
    )


def claim_next_due(session: Session, now: datetime, after: DuePosition | None) -> DuePosition | None:
    """Lock one due active instance that no other sweeper holds: its (due time, id), or None.

    The lock (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) lasts for this transaction, which the engine's
    ``advance`` then uses, so several sweepers share the work and a timer fires exactly once. A sweep
    walks due instances in (due time, id) order from ``after``, so each is advanced at most once per
    sweep and every claim is one index range, however long the sweep.
    """
    statement = (
        select(Instance.next_timer_due_at, Instance.id)
        .where(Instance.status == InstanceStatus.ACTIVE, Instance.next_timer_due_at <= now)
        .order_by(Instance.next_timer_due_at, Instance.id)
        .limit(1)
    )
    if after is not None:
        statement = statement.where(tuple_(Instance.next_timer_due_at, Instance.id) > after)
    row = session.execute(skipping_locked(session, statement)).first()
    if row is None or row[0] is None:
        return None
    return row[0], row[1]


@dataclass(frozen=True)
class EngineCounts:
    """The engine's state as operations watch it (metrics, alerts)."""

    tasks: dict[tuple[str, str], int]  # (process id, task state) -> tasks
    incidents_open: int  # instances stopped on an error
    outbox_backlog: int  # thrown messages not yet delivered
    timers_due: int  # active instances whose next timer is due and not yet fired
    deploys: int  # definition bundles deployed


def deployed_versions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(DefinitionVersion)) or 0


def engine_counts(session: Session, now: datetime) -> EngineCounts:
    def count(model: type[Any], *where: Any) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    by_process = select(HumanTask.process_id, HumanTask.state, func.count()).group_by(HumanTask.process_id,
                                                                                      HumanTask.state)
    return EngineCounts(
        tasks={(process, state): number for process, state, number in session.execute(by_process)},
        incidents_open=count(Instance, Instance.status == InstanceStatus.ERROR),
        outbox_backlog=count(OutboxMessage, OutboxMessage.delivered_at.is_(None)),
        timers_due=count(Instance, Instance.status == InstanceStatus.ACTIVE, Instance.next_timer_due_at <= now),
        deploys=deployed_versions(session),
    )


def inbox_field_names(session: Session) -> set[str]:
    """Every inbox field some deployed process declares: the names ``GET /tasks`` can filter on."""
    return {name for names in session.scalars(select(DefinitionProcess.inbox_fields)) for name in names}


def process_versions(session: Session, *, limit: int = 1000) -> list[tuple[ProcessVersion, DefinitionProcess]]:
    """Every version of every deployed process with its deploy-time properties, by process id and newest
    version first (the first of each process is its current version)."""
    rows = session.execute(
        select(ProcessVersion, DefinitionProcess)
        .join(DefinitionProcess, (DefinitionProcess.version_id == ProcessVersion.bundle_id)
              & (DefinitionProcess.process_id == ProcessVersion.process_id))
        .order_by(ProcessVersion.process_id, ProcessVersion.number.desc())
        .limit(limit)
    )
    return [(version, process) for version, process in rows]


def process_version(session: Session, process_id: str,
                    number: int) -> tuple[ProcessVersion, DefinitionProcess, DefinitionVersion, int]:
    """One version of a process: its row, its properties, the bundle holding it and the current number."""
    row = session.execute(
        select(ProcessVersion, DefinitionProcess, DefinitionVersion)
        .join(DefinitionProcess, (DefinitionProcess.version_id == ProcessVersion.bundle_id)
              & (DefinitionProcess.process_id == ProcessVersion.process_id))
        .join(DefinitionVersion, DefinitionVersion.id == ProcessVersion.bundle_id)
        .where(ProcessVersion.process_id == process_id, ProcessVersion.number == number)
    ).first()
    if row is None:
        raise NotFound(f"process '{process_id}' has no version {number}")
    current = session.scalar(select(func.max(ProcessVersion.number)).where(ProcessVersion.process_id == process_id))
    return row[0], row[1], row[2], current or number
