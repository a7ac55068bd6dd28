"""The engine: one configured object that deploys, starts and advances instances and works tasks.

One engine operation is one database transaction: lock the instance row, load, act, settle, write
state + projections + events, commit. When the automatic work after an action fails, the transaction
is rolled back and, in a second one, the action alone is applied again and the instance is put in
``error`` with the incident, so the last good state (including the person's completed work) is kept
and ``retry`` carries on from it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from marshmallow import ValidationError
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import delivery, expressions, messages, spiff, timer_starts
from engine.access import SYSTEM, Actor, may_do, may_see
from engine.clock import Clock, install_spiff_clock
from engine.definitions import Definitions, DeployedProcess, LoadedVersion
from engine.due import resolve_due_at
from engine.errors import Conflict, Forbidden, Invalid, NotFound, ScriptError
from engine.models import DefinitionVersion, HumanTask, Instance, InstanceStatus, TaskStatus
from engine.projection import save
from engine.scripts import SandboxedEnvironment
from engine.steps import (
    EngineScriptEngine,
    Operation,
    Projector,
    StepContext,
    current_step,
    describe_failure,
    settle,
)

log = logging.getLogger("engine")
T = TypeVar("T")
Action = Callable[[spiff.Workflow, StepContext], T]


class FormCatalog(Protocol):
    """What the engine needs from the forms registry (forms/ provides it; the app hands it in)."""

    def __contains__(self, key: object) -> bool: ...

    def __iter__(self) -> Iterator[str]: ...

    def __len__(self) -> int: ...

    def validate(self, key: str, data: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The JSON-safe dump of valid data; raises marshmallow's ValidationError with field errors."""
        ...

    def json_schema(self, key: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class InstanceRef:
    id: int
    status: str


@dataclass(frozen=True)
class Completion:
    task_id: str
    instance_id: int
    instance_status: str


class Engine:
    def __init__(
        self,
        *,
        session: Callable[[], Session],
        forms: FormCatalog,
        clock: Clock,
        operations: Mapping[str, Operation] | None = None,
        projectors: Sequence[Projector] = (),
        script_functions: Mapping[str, Callable[..., Any]] | None = None,
        script_time_limit_s: float = 1.0,
    ) -> None:
        self.session = session
        self.forms = forms
        self.clock = clock
        self.operations = dict(operations or {})
        self.projectors = tuple(projectors)
        environment = SandboxedEnvironment(dict(script_functions or {}), time_limit_s=script_time_limit_s)
        self.script_engine = EngineScriptEngine(environment, self.operations)
        self.definitions = Definitions(forms=forms, operations=self.operations,
                                       expression_checker=expressions.check_bundle)
        self.serializer = spiff.StateSerializer()
        self._clock_getter = lambda: self.clock
        install_spiff_clock(self._clock_getter)
        spiff.install_month_end_clamping()

    # -- definitions ----------------------------------------------------------------------------

    def deploy(self, files: Mapping[str, bytes], actor: Actor) -> list[DeployedProcess]:
        if not actor.may_deploy:
            raise Forbidden("only administrators and process owners deploy definitions")
        install_spiff_clock(self._clock_getter)  # another engine in this process may have installed its own
        session = self.session()
        try:
            deployed = self.definitions.deploy(session, files, actor=actor.username, now=self.clock.now())
            if deployed and deployed[0].created:
                version = self.definitions.resolve(session, deployed[0].process_id, deployed[0].version)
                timer_starts.schedule(session, version, self.script_engine)
            session.commit()
            return deployed
        except BaseException:
            session.rollback()
            raise

    # -- instances ------------------------------------------------------------------------------

    def start(
        self, process_id: str, business_key: str | None, data: Mapping[str, Any], actor: Actor,
        *, version: int | None = None,
    ) -> InstanceRef:
        session = self.session()
        loaded = self.definitions.resolve(session, process_id, version)
        starters = loaded.processes[process_id].properties.get("starters", "")
        allowed = {g.strip() for g in starters.split(",") if g.strip()}
        if not actor.is_admin and not (allowed & actor.groups) and actor is not SYSTEM:
            session.rollback()
            raise Forbidden(f"you may not start process '{process_id}'")
        instance_id = self._create(process_id, business_key, data, version)
        return self.advance(instance_id, actor)

    def _create(self, process_id: str, business_key: str | None, data: Mapping[str, Any],
                version: int | None) -> int:
        session = self.session()
        try:
            loaded = self.definitions.resolve(session, process_id, version)
            now = self.clock.now()
            # Committed before it runs, due now: if this worker dies, the sweep starts it.
            row = Instance(
                version_id=loaded.id, process_id=process_id, business_key=business_key,
                status=InstanceStatus.ACTIVE, state="", data=dict(data), created_at=now, updated_at=now,
                next_timer_due_at=now,
            )
            session.add(row)
            session.flush()
            instance_id = row.id
            session.commit()
            return instance_id
        except BaseException:
            session.rollback()
            raise

    def retry(self, instance_id: int, actor: Actor) -> InstanceRef:
        if not actor.is_admin:
            raise Forbidden("only administrators retry incidents")

        def clear(workflow: spiff.Workflow, ctx: StepContext) -> None:
            if ctx.instance.status != InstanceStatus.ERROR:
                raise Conflict("the instance has no incident to retry", instance_id=ctx.instance.id,
                               code="not_in_error")
            ctx.record("incident_retried")
            ctx.instance.status = InstanceStatus.ACTIVE
            _clear_incident(ctx.instance)

        return self.act(instance_id, actor, clear, allow_error=True)

    def terminate(self, instance_id: int, actor: Actor) -> InstanceRef:
        if not actor.is_admin:
            raise Forbidden("only administrators terminate instances")

        def stop(workflow: spiff.Workflow, ctx: StepContext) -> None:
            if ctx.instance.status not in (InstanceStatus.ACTIVE, InstanceStatus.ERROR):
                raise Conflict(f"the instance is already {ctx.instance.status}", instance_id=ctx.instance.id,
                               code="instance_ended")
            workflow.cancel()
            ctx.instance.status = InstanceStatus.TERMINATED
            ctx.instance.ended_at = ctx.now
            ctx.record("instance_terminated")

        return self.act(instance_id, actor, stop, allow_error=True, run_steps=False)

    def start_by_message(self, process_id: str, name: str, correlation: Mapping[str, Any],
                         payload: Mapping[str, Any], actor: Actor) -> InstanceRef:
        """Create an instance of a process with a message start event and hand it the message."""
        business_key = ",".join(str(v) for v in correlation.values()) or None
        instance_id = self._create(process_id, business_key, {}, None)
        if self.advance(instance_id, actor).status != InstanceStatus.ACTIVE:  # now its start event waits
            return InstanceRef(instance_id, InstanceStatus.ERROR)
        return self.act(instance_id, actor, delivery._deliver_action(name, dict(payload), {}, actor.username))

    # -- messages -------------------------------------------------------------------------------

    def send_message(self, name: str, correlation: Mapping[str, Any], payload: Mapping[str, Any],
                     actor: Actor) -> delivery.SendResult:
        return delivery.send(self, name, correlation, payload, actor)

    def deliver_outbox(self, *, limit: int = 100) -> int:
        try:
            return delivery.deliver_outbox(self, limit=limit)
        except Exception:  # delivery is retried by the sweep; the action that threw has committed
            log.exception("outbox delivery failed; the timer sweep will try again")
            self.session().rollback()
            return 0

    def start_due_timer_starts(self, *, batch: int = 100) -> int:
        """Create an instance for every timer start that has fallen due; the number started."""
        started = 0
        for _ in range(batch):
            session = self.session()
            row = timer_starts.claim_due(session, self.clock.now())
            if row is None:
                session.rollback()
                return started
            version = session.get(DefinitionVersion, row.version_id)
            assert version is not None
            process_id = row.process_id
            timer_starts.move_on(row)
            instance_id = self._create(process_id, None, {}, version.version)  # commits the schedule with it
            if self.advance(instance_id, SYSTEM).status == InstanceStatus.ACTIVE:
                self.act(instance_id, SYSTEM, timer_starts.fire_start_timer(self.clock.now))
            started += 1
        return started

    def advance(self, instance_id: int, actor: Actor) -> InstanceRef:
        """Refresh timers and run whatever is due (the timer sweep calls this)."""
        return self.act(instance_id, actor, lambda workflow, ctx: None)

    # -- tasks ----------------------------------------------------------------------------------

    def task_data(self, row: HumanTask) -> dict[str, Any]:
        """What a task sees (or saw): its data in the stored state, without taking the instance lock."""
        session = self.session()
        instance = session.get(Instance, row.instance_id)
        if instance is None or not instance.state:
            return {}
        version = self.definitions.load(session, instance.version_id)
        workflow = self.serializer.loads(
            instance.state, version.bundle.specs[instance.process_id],
            version.bundle.subprocess_specs[instance.process_id],
        )
        task = spiff.find_task(workflow, row.id)
        data = task.data if task is not None else instance.data
        return json.loads(json.dumps(data, default=str))

    def claim(self, task_id: str, actor: Actor) -> HumanTask:
        return self._set_assignee(task_id, actor, claim=True)

    def unclaim(self, task_id: str, actor: Actor) -> HumanTask:
        return self._set_assignee(task_id, actor, claim=False)

    def complete(self, task_id: str, data: Mapping[str, Any], actor: Actor) -> Completion:
        session = self.session()
        row = self._visible_task(session, task_id, actor)
        self._check_may_complete(row, actor)
        instance_id = row.instance_id
        session.rollback()  # release the read; the action re-reads the row under the instance lock

        def run_user_task(workflow: spiff.Workflow, ctx: StepContext) -> None:
            task_row = ctx.session.get(HumanTask, task_id, populate_existing=True)
            assert task_row is not None
            self._check_may_complete(task_row, actor)
            task = spiff.find_task(workflow, task_id)
            if task is None or task.state != TaskState.READY:
                raise Conflict("the task is no longer open", task_id=task_id, code="task_not_open")
            stored = self._validated(task_row.form_key, data, task.data, task_id)
            if task_row.form_key:
                task.data[task_row.form_key] = stored
            else:
                task.data.update(stored)
            task.run()
            task_row.assignee = task_row.assignee or actor.username
            task_row.completed_by = actor.username
            ctx.handled.add(task_id)
            ctx.record("task_completed", task_id=task_id, bpmn_id=task_row.bpmn_id, data=stored)

        ref = self.act(instance_id, actor, run_user_task)
        return Completion(task_id=task_id, instance_id=instance_id, instance_status=ref.status)

    def _validated(self, form_key: str | None, data: Mapping[str, Any], context: Mapping[str, Any],
                   task_id: str) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise Invalid("task data must be a JSON object", task_id=task_id, details={"data": ["Must be an object."]})
        if not form_key:
            return dict(data)
        try:
            return self.forms.validate(form_key, data, context)
        except ValidationError as error:
            raise Invalid("the form has errors", task_id=task_id, details=error.messages) from error

    @staticmethod
    def _check_may_complete(row: HumanTask, actor: Actor) -> None:
        if row.state != TaskStatus.OPEN:
            raise Conflict(f"the task is already {row.state}", task_id=row.id, code="task_not_open")
        if not may_do(actor, row):
            raise Forbidden("you may not do this task", task_id=row.id)
        if row.assignee is not None and row.assignee != actor.username:
            raise Conflict(f"the task is claimed by {row.assignee}", task_id=row.id, code="claimed_by_another")

    def _visible_task(self, session: Session, task_id: str, actor: Actor) -> HumanTask:
        row = session.get(HumanTask, task_id)
        if row is None or not may_see(actor, row):
            raise NotFound(f"task {task_id} not found", task_id=task_id)
        return row

    def _set_assignee(self, task_id: str, actor: Actor, *, claim: bool) -> HumanTask:
        session = self.session()
        try:
            row = self._visible_task(session, task_id, actor)
            if row.state != TaskStatus.OPEN:
                raise Conflict(f"the task is already {row.state}", task_id=task_id, code="task_not_open")
            manager = "team_manager" in actor.groups and row.team_id in actor.teams
            if claim:
                if not may_do(actor, row):
                    raise Forbidden("you may not do this task", task_id=task_id)
                condition: ColumnElement[bool] = or_(HumanTask.assignee.is_(None), HumanTask.assignee == actor.username)
                new_assignee: str | None = actor.username
            else:
                if row.assignee is None:
                    raise Conflict("the task is not claimed", task_id=task_id, code="not_claimed")
                if row.assignee != actor.username and not (manager or actor.is_admin):
                    raise Forbidden("only the assignee or their team manager may release this task", task_id=task_id)
                condition = HumanTask.assignee == row.assignee
                new_assignee = None
            # A conditional update: two people claiming at once, exactly one wins.
            result = session.execute(
                update(HumanTask)
                .where(HumanTask.id == task_id, HumanTask.state == TaskStatus.OPEN, condition)
                .values(assignee=new_assignee)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict("the task was claimed by someone else", task_id=task_id, code="claimed_by_another")
            instance = session.get(Instance, row.instance_id)
            assert instance is not None
            ctx = StepContext(session, instance, actor, self.clock.now(), self.projectors)
            ctx.record("task_claimed" if claim else "task_unclaimed", task_id=task_id, bpmn_id=row.bpmn_id,
                       data={"assignee": new_assignee})
            session.commit()
            session.refresh(row)
            return row
        except BaseException:
            session.rollback()
            raise

    # -- the transaction ------------------------------------------------------------------------

    def act(
        self, instance_id: int, actor: Actor, action: Action[Any], *,
        allow_error: bool = False, run_steps: bool = True,
    ) -> InstanceRef:
        """Run ``action`` on one instance as one transaction: lock, load, act, settle, save, commit."""
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
            session.commit()
            status = ctx.instance.status

        except (Conflict, Forbidden, Invalid, NotFound, OperationalError):
            session.rollback()
            raise
        except StaleDataError as error:
            session.rollback()
            raise Conflict("another change to this instance won the race; try again", instance_id=instance_id,
                           code="lost_race") from error
        except Exception as error:
            session.rollback()
            return self._record_incident(instance_id, actor, action, error, allow_error)
        if thrown and not delivery.delivering_outbox.get():
            self.deliver_outbox()
        return InstanceRef(instance_id, status)

    def _begin(
        self, session: Session, instance_id: int, actor: Actor, allow_error: bool,
    ) -> tuple[StepContext, spiff.Workflow, LoadedVersion, float]:
        row = session.scalar(
            select(Instance).where(Instance.id == instance_id).with_for_update().execution_options(
                populate_existing=True)
        )
        if row is None:
            raise NotFound(f"instance {instance_id} not found", instance_id=instance_id)
        allowed = (InstanceStatus.ACTIVE, InstanceStatus.ERROR) if allow_error else (InstanceStatus.ACTIVE,)
        if row.status not in allowed:
            code = "instance_in_error" if row.status == InstanceStatus.ERROR else "instance_ended"
            raise Conflict(f"the instance is {row.status}", instance_id=instance_id, code=code)
        version = self.definitions.load(session, row.version_id)
        install_spiff_clock(self._clock_getter)  # another engine in this process may have installed its own
        since = time.time()
        spec, subprocess_specs = version.bundle.specs[row.process_id], version.bundle.subprocess_specs[row.process_id]
        ctx = StepContext(session, row, actor, self.clock.now(), self.projectors)
        if row.state:
            workflow = self.serializer.loads(row.state, spec, subprocess_specs)
            workflow.script_engine = self.script_engine
        else:  # created and committed, not yet run
            workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
            workflow.task_tree.data.update(row.data)
            ctx.record("instance_started", data={"business_key": row.business_key, "data": row.data})
        return ctx, workflow, version, since

    def _save(self, ctx: StepContext, workflow: spiff.Workflow, version: LoadedVersion, since: float) -> None:
        save(ctx, workflow, version, self.serializer.dumps(workflow), since=since, due_at=self._due_at,
             handled=ctx.handled)

    def _record_incident(
        self, instance_id: int, actor: Actor, action: Action[Any], error: Exception, allow_error: bool,
    ) -> InstanceRef:
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

    def _due_at(self, task: Any, now: datetime) -> datetime | None:
        return resolve_due_at(self.script_engine, task)


def _clear_incident(row: Instance) -> None:
    row.error_message = row.error_task_id = row.error_element_id = None
    row.error_line = None


__all__ = ["Completion", "Engine", "FormCatalog", "InstanceRef", "ScriptError"]
