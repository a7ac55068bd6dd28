"""One engine step: run automatic work until only people, timers or messages are left.

Domain hooks run here, inside the step's transaction: service-task *operations* (trusted Python
registered by the app) and event *projectors* (called with every event the step records).
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import spiff
from engine.access import Actor
from engine.errors import ScriptError, database_error_text, safe_text
from engine.models import Event, Instance
from engine.scripts import SandboxedScriptEngine
from engine.spiff import BasePythonScriptEngineEnvironment, WorkflowException, WorkflowTaskException

# A process that keeps making automatic work (a zero-length cycle timer, say) must not spin forever.
MAX_SETTLE_ROUNDS = 100
# Tasks on one path of an instance. Loops add tasks on every round; SpiffWorkflow cannot see work past
# depth 1000 and would call such an instance completed, so it becomes an incident well before that.
MAX_PATH_TASKS = 900


@dataclass
class StepContext:
    """What the domain hooks see: the open transaction, the instance, who acted, and when."""

    session: Session
    instance: Instance
    actor: Actor
    now: datetime
    projectors: Sequence[Projector] = ()
    recorded: list[Event] = field(default_factory=list)
    handled: set[str] = field(default_factory=set)  # task ids whose events the action recorded itself
    last_seq: int | None = None  # the instance's last event number, read once under the instance lock

    def record(
        self,
        kind: str,
        *,
        task_id: str | None = None,
        bpmn_id: str | None = None,
        data: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> Event:
        event = Event(
            instance_id=self.instance.id,
            seq=self._next_seq(),
            task_id=task_id,
            bpmn_id=bpmn_id,
            kind=kind,
            actor=actor or self.actor.username,
            at=self.now,
            data=data,
        )
        self.session.add(event)
        self.recorded.append(event)
        for projector in self.projectors:
            projector(self, event)
        return event

    def _next_seq(self) -> int:
        """The next number in the instance's history. The caller holds the instance's row lock, so no one
        else numbers its events until this transaction ends; this step's own events are counted here."""
        if self.last_seq is None:
            with self.session.no_autoflush:
                self.last_seq = self.session.scalar(
                    select(func.coalesce(func.max(Event.seq), 0)).where(Event.instance_id == self.instance.id))
        assert self.last_seq is not None
        self.last_seq += 1
        return self.last_seq


Operation = Callable[[StepContext, dict[str, Any]], Any]
Projector = Callable[[StepContext, Event], None]


# The step being run in this thread (or task): the script engine is shared, so the context is not its own.
current_step: ContextVar[StepContext | None] = ContextVar("current_step", default=None)


class EngineScriptEngine(SandboxedScriptEngine):
    """The sandboxed script engine with service tasks routed to registered operations, run inside the
    current step (with its session), and timer dates checked to be timezone-aware."""

    def __init__(self, environment: BasePythonScriptEngineEnvironment, operations: Mapping[str, Operation],
                 *, timer_cycle_floor_s: float = 60.0):
        super().__init__(environment=environment)
        self._operations = operations
        self.timer_cycle_floor_s = timer_cycle_floor_s

    def evaluate(self, task: Any, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        _check_path(task)
        value = super().evaluate(task, expression, external_context)
        if spiff.is_timer_date(task, expression):
            return _aware_timer_date(value, task)
        if spiff.cycle_expression(task.task_spec) == expression:
            check_cycle(value, self.timer_cycle_floor_s, task)
        return value

    def execute(self, task: Any, script: str, external_context: dict[str, Any] | None = None) -> Any:
        _check_path(task)
        return super().execute(task, script, external_context)

    def call_service(self, task: Any, **kwargs: Any) -> str:
        operation_name: str = kwargs["operation_name"]
        operation_params: dict[str, Any] = kwargs.get("operation_params") or {}
        context = current_step.get()
        if context is None:
            raise WorkflowTaskException(f"operation '{operation_name}' called outside an engine step", task=task)
        operation = self._operations[operation_name]
        params = {name: param["value"] for name, param in operation_params.items()}
        try:
            result = operation(context, params)
        except Exception as error:
            raise WorkflowTaskException(f"operation '{operation_name}' failed: {safe_text(error)}", task=task,
                                        exception=error) from error
        context.record(
            "operation_ran", task_id=str(task.id), bpmn_id=task.task_spec.bpmn_id,
            data={"operation": operation_name, "params": params, "result": result},
        )
        return json.dumps(result)


def cycle_problem(value: Any, floor_s: float) -> str | None:
    """Why a timer cycle may not run, or None: a cycle faster than the floor floods the sweep (R/PT0S
    never stops firing)."""
    period_s = spiff.cycle_period_s(value)
    if period_s is None:
        return f"timer cycle {str(value)[:60]!r} is not an ISO 8601 repeating interval (e.g. R/P1D)"
    if period_s < floor_s:
        return f"timer cycle {str(value)[:60]!r} repeats every {period_s:g} s; the shortest allowed is {floor_s:g} s"
    return None


def check_cycle(value: Any, floor_s: float, task: Any) -> None:
    problem = cycle_problem(value, floor_s)
    if problem is not None:
        raise WorkflowTaskException(problem, task=task)


def _check_path(task: Any) -> None:
    """Stop a looping process at its script or condition, long before SpiffWorkflow loses sight of it."""
    if task.depth >= MAX_PATH_TASKS:
        raise WorkflowTaskException(_LOOP_MESSAGE, task=task)


_LOOP_MESSAGE = (f"the process went round a loop too many times: {MAX_PATH_TASKS} or more tasks on one path "
                 "(a loop that never ends?)")


def _aware_timer_date(value: Any, task: Any) -> str:
    """Timer dates must be aware: SpiffWorkflow would read a naive one in the server's zone at import."""
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise WorkflowTaskException(
            f"timer date {value!r} is not a timezone-aware ISO datetime (e.g. 2027-03-01T00:00:00+00:00)", task=task)
    return moment.isoformat()


def settle(workflow: spiff.Workflow) -> None:
    """Refresh timers and run engine steps until no ready automatic task is left.

    One ``do_engine_steps()`` leaves a timer that expired during its final refresh READY but not run,
    so it is looped until nothing automatic is ready.
    """
    for _ in range(MAX_SETTLE_ROUNDS):
        workflow.refresh_timers()
        workflow.do_engine_steps()
        if spiff.path_length(workflow) >= MAX_PATH_TASKS:
            raise ScriptError(_LOOP_MESSAGE)
        interrupted = spiff.interrupt_for_event_subprocesses(workflow)
        fired = spiff.fire_conditional_events(workflow)
        if not (interrupted or fired) and not spiff.has_ready_automatic_tasks(workflow):
            return
    raise ScriptError(f"the process kept creating automatic work after {MAX_SETTLE_ROUNDS} rounds")


@dataclass(frozen=True)
class Incident:
    message: str
    task_id: str | None = None
    element_id: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"message": self.message, "task_id": self.task_id, "element_id": self.element_id, "line": self.line}


def describe_failure(error: BaseException) -> Incident:
    """Turn whatever a step raised into the incident people read: message, task, element and line."""
    task = getattr(error, "task", None)
    line = getattr(error, "line_number", None) or getattr(error, "line", None)
    root = error
    while root.__cause__ is not None or (root.__context__ is not None and not root.__suppress_context__):
        root = root.__cause__ or root.__context__  # type: ignore[assignment]
        line = line or getattr(root, "line_number", None) or getattr(root, "line", None)
        task = task or getattr(root, "task", None)
    message = str(error) if isinstance(error, (WorkflowException, ScriptError)) else _one_line(error)
    if root is not error and str(root) not in message and database_error_text(error) is None:
        message = f"{message} (caused by {_one_line(root)})"
    return Incident(
        message=message,
        task_id=str(task.id) if task is not None else None,
        element_id=getattr(getattr(task, "task_spec", None), "bpmn_id", None),
        line=line if isinstance(line, int) and line > 0 else None,
    )


def _one_line(error: BaseException) -> str:
    hidden = database_error_text(error)
    if hidden is not None:
        return hidden
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    return text.splitlines()[-1] if text else type(error).__name__
