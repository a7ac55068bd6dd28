"""Persistence for the engine: plain SQLAlchemy 2 models on one DeclarativeBase.

web/ binds this Base into Flask-SQLAlchemy (``SQLAlchemy(model_class=Base)``); workflows/ adds its
domain tables to the same metadata so one Alembic history covers everything.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# SQLite has no BIGINT autoincrement; BigInteger().with_variant keeps ids 64-bit on PostgreSQL.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware in, timezone-aware UTC out, on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: store timezone-aware UTC")
        value = value.astimezone(UTC)
        # SQLite compares datetimes as text: store them all as naive UTC so they sort correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class InstanceStatus(enum.StrEnum):
    """The life of a process instance.

    active      running or waiting (on people, timers or messages)
    completed   reached its end
    error       an incident: a script, expression or operation failed; the last good state is kept
                and ``POST /instances/{id}/retry`` tries again
    terminated  stopped by an administrator; its open tasks were cancelled
    """

    ACTIVE = "active"
    COMPLETED = "completed"
    ERROR = "error"
    TERMINATED = "terminated"


class TaskStatus(enum.StrEnum):
    """The life of a human task (the inbox projection of a SpiffWorkflow user or manual task).

    open       ready to be done in an active instance, claimed or not
    completed  done by someone
    cancelled  removed by an interrupting event or by the instance's termination
    """

    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class DefinitionVersion(Base):
    """One deployed bundle of BPMN/DMN files. Immutable once written."""

    __tablename__ = "definition_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    files: Mapped[dict[str, str]] = mapped_column(JSON)
    deployed_by: Mapped[str] = mapped_column(String(150))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DefinitionProcess(Base):
    """A process held by a bundle, with the process-level properties read at deploy."""

    __tablename__ = "definition_process"
    __table_args__ = (Index("ix_definition_process_lookup", "process_id", "version_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("definition_version.id"))
    process_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    inbox_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    properties: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ProcessVersion(Base):
    """One published version of one process, numbered 1, 2, 3... per process whatever bundle it came in.

    The newest number is the process's current version. ``bundle_id`` is the bundle that holds its
    content (an older bundle again when a rollback republishes its content). Immutable once written.
    """

    __tablename__ = "process_version"
    # Two publishes racing for one process cannot both take a number: the loser's insert fails.
    __table_args__ = (UniqueConstraint("process_id", "number", name="uq_process_version_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(255))
    number: Mapped[int] = mapped_column(Integer)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("definition_version.id"))
    sha256: Mapped[str] = mapped_column(String(64))  # the process's own content (engine/versions.py)
    note: Mapped[str] = mapped_column(Text)
    published_by: Mapped[str] = mapped_column(String(150))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    diff_summary: Mapped[str] = mapped_column(Text, default="")


class Instance(Base):
    __tablename__ = "instance"
    __table_args__ = (Index("ix_instance_due", "status", "next_timer_due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("definition_version.id"))
    process_id: Mapped[str] = mapped_column(String(255))
    # {process id: version number} of its process and every process it calls, pinned when it was created;
    # None for instances created before versions were kept per process (they read their bundle).
    pins: Mapped[dict[str, int] | None] = mapped_column(JSON)
    business_key: Mapped[str | None] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(20), default=InstanceStatus.ACTIVE)
    # SpiffWorkflow's serialized state without the spec (the spec lives once, in the version).
    state: Mapped[str] = mapped_column(Text)
    # The data as of the latest step: what the open tasks see, or the workflow's data once completed.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    next_timer_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error_message: Mapped[str | None] = mapped_column(Text)
    error_task_id: Mapped[str | None] = mapped_column(String(36))
    error_element_id: Mapped[str | None] = mapped_column(String(255))
    error_line: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __mapper_args__ = {"version_id_col": lock_version}


class HumanTask(Base):
    """The inbox projection of a user task: one row per SpiffWorkflow task that people do."""

    __tablename__ = "human_task"
    __table_args__ = (
        Index("ix_human_task_group_inbox", "group_id", "state", "created_at", "id"),
        # "Tasks I may do": a group narrowed to a team (or to no team) is one index range, not a
        # heap filter over every team's tasks (migration 0003_web_accounts adds it: the pages need it).
        Index("ix_human_task_group_team_inbox", "group_id", "team_id", "state", "created_at", "id"),
        Index("ix_human_task_assignee_inbox", "assignee", "state", "created_at", "id"),
        Index("ix_human_task_team_inbox", "team_id", "state", "created_at", "id"),
        Index("ix_human_task_state_due", "state", "due_at"),
        Index("ix_human_task_instance", "instance_id", "state"),
        # Counts of one kind of task by team (the managers' dashboard: open reviews by team).
        Index("ix_human_task_bpmn_state", "bpmn_id", "state", "team_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("instance.id"))
    process_id: Mapped[str] = mapped_column(String(255))
    bpmn_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    group_id: Mapped[str] = mapped_column(String(100))
    team_id: Mapped[str | None] = mapped_column(String(100))
    assignee: Mapped[str | None] = mapped_column(String(150))
    state: Mapped[str] = mapped_column(String(20), default=TaskStatus.OPEN)
    form_key: Mapped[str | None] = mapped_column(String(100))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by: Mapped[str | None] = mapped_column(String(150))
    # The process's declared inbox fields, copied from the task's data for display.
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class HumanTaskField(Base):
    """Inbox fields as rows, so ``GET /tasks?family_ref=...`` is an index lookup on every backend."""

    __tablename__ = "human_task_field"
    __table_args__ = (Index("ix_human_task_field_lookup", "name", "value", "task_id"),)

    task_id: Mapped[str] = mapped_column(String(36), ForeignKey("human_task.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class Event(Base):
    """The append-only history of an instance: the case timeline and the audit trail."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_instance", "instance_id", "id"),
        Index("uq_event_instance_seq", "instance_id", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("instance.id"))
    # 1, 2, 3... per instance, given under the instance's row lock in the step's transaction: a rolled-back
    # step takes its numbers with it, so a gap means a lost event (a database sequence would leave gaps).
    seq: Mapped[int] = mapped_column(Integer)
    task_id: Mapped[str | None] = mapped_column(String(36))
    bpmn_id: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(50))
    actor: Mapped[str] = mapped_column(String(150))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DefinitionMessage(Base):
    """A ``bpmn:message`` of a bundle, with the properties read at deploy: keep, expiry_days, senders."""

    __tablename__ = "definition_message"
    __table_args__ = (Index("ix_definition_message_lookup", "name", "version_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("definition_version.id"))
    name: Mapped[str] = mapped_column(String(255))
    keep: Mapped[bool] = mapped_column(Boolean, default=True)
    expiry_days: Mapped[int] = mapped_column(Integer, default=30)
    senders: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Processes of this bundle that a message of this name starts (message start events).
    starts: Mapped[list[str]] = mapped_column(JSON, default=list)


class MessageWait(Base):
    """An instance waiting for a message with a correlation: how a message finds its one instance."""

    __tablename__ = "message_wait"
    __table_args__ = (Index("ix_message_wait_match", "name", "correlation_key"),)

    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("instance.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    correlation_key: Mapped[str] = mapped_column(String(1000), primary_key=True)
    # SpiffWorkflow's nested form, {correlation key: {property: value}}, to build the event from.
    correlations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class InstanceWait(Base):
    """Where live work stands: one row per element an active (or errored) instance waits at, with the
    process whose diagram draws it. Written with every step (engine/waits.py), gone when the instance
    ends; process owners read counts of it, never the rows (engine/live_counts.py)."""

    __tablename__ = "instance_wait"
    # Counts per process, version and element are one index range, read without the table.
    # Instances per version of a process (the definitions list) likewise: distinct instance ids, from the index.
    __table_args__ = (Index("ix_instance_wait_counts", "process_id", "version", "element_id", "kind"),
                      Index("ix_instance_wait_instances", "process_id", "version", "instance_id", "kind"))

    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("instance.id"), primary_key=True)
    process_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    element_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    # user_task, manual_task, timer, message, receive_task, signal, condition, event_gateway,
    # call_activity, incident (engine/spiff/waits.py)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    # The number of the version of ``process_id`` the instance runs (its pin; an instance from before
    # pins, the version its bundle holds), copied so the counts need no join with the instances.
    version: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime] = mapped_column(UTCDateTime())


class BufferedMessage(Base):
    """A message that arrived before anyone waited for it, kept until it expires or is delivered once."""

    __tablename__ = "message_buffer"
    __table_args__ = (Index("ix_message_buffer_match", "name", "correlation_key", "delivered_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    correlation_key: Mapped[str] = mapped_column(String(1000))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sender: Mapped[str] = mapped_column(String(150))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_to: Mapped[int | None] = mapped_column(BigId)


class OutboxMessage(Base):
    """A message thrown by a process: written with the step that threw it, delivered on its own later."""

    __tablename__ = "message_outbox"
    __table_args__ = (Index("ix_message_outbox_pending", "delivered_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("instance.id"))
    name: Mapped[str] = mapped_column(String(255))
    correlation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class TimerStart(Base):
    """The one pending timer start per deployed process: when it is due, an instance is created."""

    __tablename__ = "timer_start"
    __table_args__ = (Index("ix_timer_start_due", "due_at"),)

    process_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("definition_version.id"))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # SpiffWorkflow's timer state for cycles: {"cycles": remaining, "next": iso, "duration": seconds}.
    cycle: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Group(Base):
    """A role. Its id is what BPMN lanes name; its label is what people read."""

    __tablename__ = "user_group"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    label: Mapped[str] = mapped_column(String(255))


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GroupMember(Base):
    __tablename__ = "group_member"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("user_group.id"), primary_key=True)


class Team(Base):
    __tablename__ = "team"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))


class TeamMember(Base):
    __tablename__ = "team_member"

    team_id: Mapped[str] = mapped_column(ForeignKey("team.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)


class ApiToken(Base):
    """A bearer token. Only its sha256 is stored: a leaked database does not leak tokens."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())  # no token lives for ever
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AccessLog(Base):
    """Who read or changed what, when, through which route; written even when the answer is 404."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_resource", "resource_type", "resource_id", "id"),
        Index("ix_access_log_user", "username", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    username: Mapped[str | None] = mapped_column(String(150))
    method: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(String(255))
    resource_type: Mapped[str] = mapped_column(String(50))
    resource_id: Mapped[str | None] = mapped_column(String(100))
    status_code: Mapped[int] = mapped_column(Integer)
    admin_read: Mapped[bool] = mapped_column(Boolean, default=False)


__all__ = [
    "AccessLog",
    "ApiToken",
    "Base",
    "BufferedMessage",
    "DefinitionMessage",
    "DefinitionProcess",
    "DefinitionVersion",
    "Event",
    "Group",
    "GroupMember",
    "HumanTask",
    "HumanTaskField",
    "Instance",
    "InstanceStatus",
    "InstanceWait",
    "MessageWait",
    "OutboxMessage",
    "ProcessVersion",
    "TaskStatus",
    "Team",
    "TeamMember",
    "TimerStart",
    "User",
]
