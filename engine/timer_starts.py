"""Timer start events: one pending start per deployed process, fired by the sweep.

The engine, not an instance, owns the schedule: at deploy the start event's timer is evaluated once
(in a throwaway workflow, so expressions and the project clock behave as in a real instance) before
the version row is written, so no other deploy waits on it, and stored as ``timer_start``; when it
falls due an instance is created with its start timer fired, and a cycle (``R3/.../P1D``) moves on
to its next time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import bpmn_xml, spiff
from engine.errors import DeployRefused, ScriptError
from engine.locking import first_unclaimed
from engine.models import TimerStart
from engine.steps import describe_failure


def plan(bundle: spiff.ParsedBundle, roots: Mapping[str, Any],
         script_engine: Any) -> dict[str, spiff.StartTimer | None]:
    """The first start time of every process of a bundle about to be deployed (None: no timer start).

    Evaluated before the version is written; a timer that cannot be evaluated refuses the deploy.
    """
    planned: dict[str, spiff.StartTimer | None] = {}
    for process_id, spec in bundle.specs.items():
        planned[process_id] = None
        if not spiff.has_timer_start(spec):
            continue
        workflow = spiff.new_workflow(spec, bundle.subprocess_specs[process_id], script_engine)
        try:
            workflow.do_engine_steps()
        except (spiff.WorkflowException, ScriptError) as error:
            incident = describe_failure(error)
            # The incident's line counts within the expression; the problem's line is the file's,
            # where the timer's expression sits, the expression's own told in words.
            within = f" (line {incident.line} of the expression)" if incident.line and incident.line > 1 else ""
            raise DeployRefused([{"file": bpmn_xml.file_of(roots, process_id),
                                  "element_id": incident.element_id or process_id,
                                  "line": bpmn_xml.timer_line(roots, incident.element_id),
                                  "reason": f"the timer start could not be evaluated{within}: {incident.message}",
                                  "fix": "give the start timer a time in quotes, e.g. \"R/P1D\" (daily) or "
                                         "\"2027-03-01T09:00:00+00:00\", or an expression that gives one"}]) from error
        planned[process_id] = spiff.start_timer(workflow)
    return planned


def schedule(session: Session, version_id: int, planned: Mapping[str, spiff.StartTimer | None]) -> None:
    """(Re)schedule the pending start of every process given, each published anew in ``version_id``."""
    for process_id, timer in planned.items():
        session.execute(delete(TimerStart).where(TimerStart.process_id == process_id))
        if timer is not None and (timer.cycle is None or timer.cycle.get("cycles") != 0):
            session.add(TimerStart(process_id=process_id, version_id=version_id, due_at=timer.due_at,
                                   cycle=timer.cycle))


def claim_due(session: Session, now: datetime) -> TimerStart | None:
    statement = select(TimerStart).where(TimerStart.due_at <= now).order_by(TimerStart.due_at).limit(1)
    return first_unclaimed(session, statement)


def move_on(row: TimerStart) -> None:
    """After a start: the next time of a cycle, or nothing more for a date or a duration."""
    cycle = dict(row.cycle or {})
    if not cycle or row.due_at is None:
        row.due_at = None
        return
    remaining = int(cycle.get("cycles", 0))
    remaining = remaining - 1 if remaining > 0 else remaining  # -1 repeats for ever
    if remaining == 0:
        row.due_at, row.cycle = None, {**cycle, "cycles": 0}
        return
    next_due = row.due_at + timedelta(seconds=float(cycle["duration"]))
    row.due_at, row.cycle = next_due, {**cycle, "cycles": remaining, "next": next_due.isoformat()}


def fire_start_timer(past: Callable[[], datetime]) -> Callable[[spiff.Workflow, Any], None]:
    """An engine action, the new instance's first: its start timer fires now, once."""

    def fire(workflow: spiff.Workflow, ctx: Any) -> None:
        spiff.fire_start_timers(workflow, past() - timedelta(microseconds=1))
        ctx.record("timer_start_fired", actor="engine")

    return fire
