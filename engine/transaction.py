"""One engine operation = one database transaction on one instance.

Lock the instance row (``SELECT ... FOR UPDATE`` on PostgreSQL), load its state, apply the action,
settle (timers, automatic tasks, kept messages), write state + projections + events, commit. When
the automatic work fails, the transaction is rolled back and, in a second one, the action alone is
applied again and the instance is put in ``error`` with the incident: the last good state, including
what the person did, is kept, and ``retry`` carries on from it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import messages, spiff
from engine.access import Actor
from engine.clock import Clock, install_spiff_clock
from engine.definitions import Definitions, LoadedVersion
from engine.due import resolve_due_at
from engine.errors import Conflict, Forbidden, Invalid, NotFound
from engine.models import Instance, InstanceStatus
from engine.projection import save
from engine.steps import Projector, StepContext, current_step, describe_failure, settle

T = TypeVar("T")
Action = Callable[[spiff.Workflow, StepContext], T]


@dataclass(frozen=True)
class InstanceRef:
    id: int
    status: str


class Transactions:
    def __init__(self, *, session: Callable[[], Session], definitions: Definitions, script_engine: Any,
                 clock: Callable[[], Clock], projectors: Sequence[Projector]) -> None:
        self.session = session
        self.definitions = definitions
        self.script_engine = script_engine
        self.serializer = spiff.StateSerializer()
        self._clock = clock
        self._projectors = projectors

    def act(self, instance_id: int, actor: Actor, action: Action[Any], *, allow_error: bool = False,
            run_steps: bool = True) -> tuple[InstanceRef, int]:
        """Run ``action`` as one transaction; the instance afterwards and how many messages it threw."""
        session = self.session()
        try:
            ctx, workflow, version, since = self._begin(session, instance_id, actor, allow_error)
            token = current_step.set(ctx)
            try:
                action(workflow, ctx)
                thrown = 0
                if run_steps and ctx.instance.status == InstanceStatus.ACTIVE:
                    settle(workflow)
                    while messages.deliver_buffered(ctx, workflow):
                        settle(workflow)
                    thrown = messages.throw_to_outbox(ctx, workflow)
                self._save(ctx, workflow, version, since)
            finally:
                current_step.reset(token)
            status = ctx.instance.status  # read before commit: afterwards it would reload the whole row
            session.commit()
            return InstanceRef(instance_id, status), thrown
        except (Conflict, Forbidden, Invalid, NotFound, OperationalError):
            session.rollback()
            raise
        except StaleDataError as error:
            session.rollback()
            raise Conflict("another change to this instance won the race; try again", instance_id=instance_id,
                           code="lost_race") from error
        except Exception as error:
            session.rollback()
            return self._record_incident(instance_id, actor, action, error, allow_error), 0

    def load(self, session: Session, instance: Instance) -> spiff.Workflow:
        """The instance's stored state as a workflow (no lock: for reads)."""
        spec, called = self.definitions.specs(session, instance.process_id, instance.version_id, instance.pins)
        workflow = self.serializer.loads(instance.state, spec, called)
        workflow.script_engine = self.script_engine
        return workflow

    def _begin(self, session: Session, instance_id: int, actor: Actor,
               allow_error: bool) -> tuple[StepContext, spiff.Workflow, LoadedVersion, float]:
        row = session.scalar(select(Instance).where(Instance.id == instance_id).with_for_update()
                             .execution_options(populate_existing=True))
        if row is None:
            raise NotFound(f"instance {instance_id} not found", instance_id=instance_id)
        allowed = (InstanceStatus.ACTIVE, InstanceStatus.ERROR) if allow_error else (InstanceStatus.ACTIVE,)
        if row.status not in allowed:
            code = "instance_in_error" if row.status == InstanceStatus.ERROR else "instance_ended"
            raise Conflict(f"the instance is {row.status}", instance_id=instance_id, code=code)
        version = self.definitions.load(session, row.version_id)
        install_spiff_clock(self._clock)  # another engine in this process may have installed its own
        since = time.time()
        ctx = StepContext(session, row, actor, self._clock().now(), self._projectors)
        if row.state:
            workflow = self.load(session, row)
        else:  # created and committed, not yet run
            spec, called = self.definitions.specs(session, row.process_id, row.version_id, row.pins)
            workflow = spiff.new_workflow(spec, called, self.script_engine, row.data)
            ctx.record("instance_started", data={"business_key": row.business_key, "data": row.data})
        return ctx, workflow, version, since

    def _save(self, ctx: StepContext, workflow: spiff.Workflow, version: LoadedVersion, since: float) -> None:
        save(ctx, workflow, version, self.serializer.dumps(workflow), since=since, due_at=self._due_at,
             handled=ctx.handled)

    def _due_at(self, task: spiff.Task, now: datetime) -> datetime | None:
        return resolve_due_at(self.script_engine, task)

    def _record_incident(self, instance_id: int, actor: Actor, action: Action[Any], error: Exception,
                         allow_error: bool) -> InstanceRef:
        incident = describe_failure(error)
        session = self.session()
        try:
            ctx, workflow, version, since = self._begin(session, instance_id, actor, allow_error)
            token = current_step.set(ctx)
            try:
                try:
                    action(workflow, ctx)  # keep what the person did; only the automatic work failed
                except Exception:  # the action itself failed (a post-script): keep the state before it
                    session.rollback()
                    ctx, workflow, version, since = self._begin(session, instance_id, actor, allow_error)
                    current_step.set(ctx)
                ctx.instance.status = InstanceStatus.ERROR
                ctx.instance.error_message = incident.message[:4000]
                ctx.instance.error_task_id = incident.task_id
                ctx.instance.error_element_id = incident.element_id
                ctx.instance.error_line = incident.line
                ctx.record("incident", actor="engine", task_id=incident.task_id, bpmn_id=incident.element_id,
                           data=incident.as_dict())
                self._save(ctx, workflow, version, since)
            finally:
                current_step.reset(token)
            session.commit()
            return InstanceRef(instance_id, InstanceStatus.ERROR)
        except BaseException:
            session.rollback()
            raise
