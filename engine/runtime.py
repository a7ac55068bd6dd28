"""The engine: one configured object that deploys, starts and advances instances and works tasks.

It is a facade over small parts with one job each: definitions (deploy, versions), transactions
(one operation = one transaction on one instance), task actions, message delivery and timer starts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from engine import assignment, delivery, expressions, locking, queries, spiff, task_actions, timer_starts
from engine.access import SYSTEM, Actor, CorrelationCheck, InstanceAccess
from engine.clock import Clock, install_spiff_clock
from engine.definitions import Definitions, DeployedProcess
from engine.errors import Conflict, Forbidden, ScriptError
from engine.models import DefinitionVersion, HumanTask, Instance, InstanceStatus
from engine.scripts import SandboxedEnvironment
from engine.steps import EngineScriptEngine, Operation, Projector, StepContext
from engine.transaction import Action, InstanceRef, Transactions

log = logging.getLogger("engine")


class FormCatalog(Protocol):
    """What the engine needs from the forms registry (forms/ provides it; the app hands it in)."""

    def __contains__(self, key: object) -> bool: ...

    def __iter__(self) -> Iterator[str]: ...

    def __len__(self) -> int: ...

    def validate(self, key: str, data: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The JSON-safe dump of valid data; raises marshmallow's ValidationError with field errors."""
        ...

    def json_schema(self, key: str) -> dict[str, Any]: ...

    def title(self, key: str) -> str:
        """The form's page heading."""
        ...

    def fields(self, key: str) -> list[Any]:
        """The form's render metadata, one entry per question (forms/spec.py's FieldSpec; the engine
        never reads it, the web layer renders it)."""
        ...


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
        timer_cycle_floor_s: float = 60.0,
        timer_starts_per_sweep: int = 20,
        instance_access: InstanceAccess | None = None,
        correlation_check: CorrelationCheck | None = None,
    ) -> None:
        """``instance_access`` and ``correlation_check`` are the app's access rules for reading instances
        and sending messages (engine/access.py and engine/delivery.py say what each answers)."""
        self.session = session
        self.forms = forms
        self.clock = clock
        self.operations = dict(operations or {})
        self.projectors = tuple(projectors)
        self.instance_access = instance_access
        environment = SandboxedEnvironment(dict(script_functions or {}), time_limit_s=script_time_limit_s)
        self.script_engine = EngineScriptEngine(environment, self.operations, timer_cycle_floor_s=timer_cycle_floor_s)
        self.definitions = Definitions(forms=forms, operations=self.operations,
                                       expression_checker=expressions.check_bundle,
                                       timer_cycle_floor_s=timer_cycle_floor_s)
        self.timer_starts_per_sweep = timer_starts_per_sweep
        self._clock_getter = lambda: self.clock
        self.transactions = Transactions(session=session, definitions=self.definitions,
                                         script_engine=self.script_engine, clock=self._clock_getter,
                                         projectors=self.projectors)
        self.delivery = delivery.Delivery(session=session, now=lambda: self.clock.now(), act=self.act,
                                          create=self._create, correlation_check=correlation_check)
        install_spiff_clock(self._clock_getter)
        spiff.install_month_end_clamping()

    # -- definitions ----------------------------------------------------------------------------

    def serialise(self, name: str) -> None:
        """Hold the lock ``name`` until the current transaction ends (``engine.locking.serialised``):
        for domain work that checks a name, then starts an instance that writes it."""
        locking.serialised(self.session(), name)

    def deploy(self, files: Mapping[str, bytes], actor: Actor) -> list[DeployedProcess]:
        if not actor.may_deploy:
            raise Forbidden("only administrators and process owners deploy definitions")
        install_spiff_clock(self._clock_getter)  # another engine in this process may have installed its own
        session = self.session()
        try:
            planned: dict[str, Any] = {}

            def plan(bundle: spiff.ParsedBundle, roots: Mapping[str, Any]) -> None:
                planned.update(timer_starts.plan(bundle, roots, self.script_engine))

            deployed = self.definitions.deploy(session, files, actor=actor.username, now=self.clock.now(),
                                               before_write=plan)
            if deployed and deployed[0].created:
                version = self.definitions.resolve(session, deployed[0].process_id, deployed[0].version)
                timer_starts.schedule(session, version.id, planned)
            session.commit()
            return deployed
        except BaseException:
            session.rollback()
            raise

    # -- instances ------------------------------------------------------------------------------

    def start(
        self, process_id: str, business_key: str | None, data: Mapping[str, Any], actor: Actor,
        *, version: int | None = None, authorised: bool = False,
    ) -> InstanceRef:
        """Start an instance as ``actor``: administrators and the groups its ``starters`` property names,
        or anyone when ``authorised`` (the app's own service for a process it starts through its own
        endpoint has decided who may; the generic API never says so)."""
        session = self.session()
        loaded = self.definitions.resolve(session, process_id, version)
        starters = loaded.processes[process_id].properties.get("starters", "")
        allowed = {g.strip() for g in starters.split(",") if g.strip()}
        if not (authorised or actor.is_admin or allowed & actor.groups or actor is SYSTEM):
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

    # -- messages -------------------------------------------------------------------------------

    def send_message(self, name: str, correlation: Mapping[str, Any], payload: Mapping[str, Any],
                     actor: Actor) -> delivery.SendResult:
        return self.delivery.send(name, correlation, payload, actor)

    def throw_signal(self, name: str, payload: Mapping[str, Any], actor: Actor) -> delivery.SendResult:
        """A signal to every instance waiting for it (administrators only)."""
        return self.delivery.signal(name, payload, actor)

    def deliver_outbox(self, *, limit: int = 100) -> int:
        try:
            return self.delivery.deliver_outbox(limit=limit)
        except Exception:  # delivery is retried by the sweep; the action that threw has committed
            log.exception("outbox delivery failed; the timer sweep will try again")
            self.session().rollback()
            return 0

    def start_due_timer_starts(self, *, batch: int = 100) -> int:
        """Create an instance for every timer start that has fallen due, at most ``batch`` and at most
        ``timer_starts_per_sweep`` (the rest wait for the next sweep); the number started."""
        started = 0
        for _ in range(min(batch, self.timer_starts_per_sweep)):
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
            self.act(instance_id, SYSTEM, timer_starts.fire_start_timer(self.clock.now))  # its first run
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
        task = spiff.find_task(self.transactions.load(session, instance), row.id)
        data = task.data if task is not None else instance.data
        return dict(json.loads(json.dumps(data, default=str)))

    def claim(self, task_id: str, actor: Actor) -> HumanTask:
        return task_actions.set_assignee(self.session(), task_id, actor, claim=True, now=self.clock.now(),
                                         projectors=self.projectors)

    def unclaim(self, task_id: str, actor: Actor) -> HumanTask:
        return task_actions.set_assignee(self.session(), task_id, actor, claim=False, now=self.clock.now(),
                                         projectors=self.projectors)

    def reassign(self, task_id: str, to_username: str, actor: Actor, *,
                 follow: assignment.Follow | None = None) -> HumanTask:
        """Give an open task to a named person who may do it (a team manager or an administrator).

        With ``follow``, what the assignee came from follows too (engine/assignment.py ``following``):
        one transaction on the instance, ``follow`` called inside it."""
        if follow is None:
            return assignment.reassign(self.session(), task_id, to_username, actor, now=self.clock.now(),
                                       projectors=self.projectors)
        session = self.session()
        instance_id = queries.get_task(session, actor, task_id).instance_id
        self.act(instance_id, actor, assignment.following(task_id, to_username, actor, follow), run_steps=False)
        row = session.get(HumanTask, task_id, populate_existing=True)
        assert row is not None
        return row

    def complete(self, task_id: str, data: Mapping[str, Any], actor: Actor) -> Completion:
        session = self.session()
        row = queries.get_actionable_task(session, actor, task_id)
        task_actions.check_may_complete(row, actor)
        instance_id = row.instance_id  # the action re-reads the row once the instance is locked
        ref = self.act(instance_id, actor, task_actions.complete_action(self.forms, task_id, data, actor))
        return Completion(task_id=task_id, instance_id=instance_id, instance_status=ref.status)

    # -- the transaction ------------------------------------------------------------------------

    def act(self, instance_id: int, actor: Actor, action: Action[Any], *, allow_error: bool = False,
            run_steps: bool = True) -> InstanceRef:
        """Run ``action`` on one instance as one transaction (engine/transaction.py)."""
        ref, thrown = self.transactions.act(instance_id, actor, action, allow_error=allow_error, run_steps=run_steps)
        if thrown and not delivery.delivering_outbox.get():
            self.deliver_outbox()
        return ref


def _clear_incident(row: Instance) -> None:
    row.error_message = row.error_task_id = row.error_element_id = None
    row.error_line = None


__all__ = ["Completion", "Engine", "FormCatalog", "InstanceRef", "ScriptError"]
