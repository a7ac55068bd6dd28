"""The invariant checker run after the load-and-faults scenario (bench/load_faults.py).

Given the database and the client's ledger of 2xx answers, it proves, or lists what breaks:

- no completion applied twice or lost: every completion the client was told succeeded has exactly one
  ``task_completed`` event and a completed task row; no task of any kind completed twice;
- no timer fired twice or never: no timer task completed twice (the rule above), and no active instance
  still due at the end (after the final sweep every due timer has fired);
- no instance left half-applied: no open task row in an instance that ended or whose task the history says
  is done, no active instance never run, ``next_timer_due_at`` equal to what the stored state waits on;
- every instance's events numbered 1..n without gaps or repeats.

A completion in the history that the ledger lacks is not a violation: a worker killed after its commit
never sent the answer (the in-flight requests of a killed worker).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import spiff
from engine.models import Event, HumanTask, Instance, InstanceStatus, TaskStatus

# The timers an instance's stored state waits on (the engine reads them from SpiffWorkflow's state).
DueTimes = Callable[[Session, Instance], list[datetime]]


def engine_due_times(load: Callable[[Session, Instance], spiff.Workflow]) -> DueTimes:
    """``due_times`` read by the engine's loader (``get_engine().transactions.load``)."""
    return lambda session, instance: spiff.timer_due_times(load(session, instance))


@dataclass
class Ledger:
    """What the load generator was told succeeded (2xx answers only)."""

    completions: list[str] = field(default_factory=list)  # task ids
    referrals: list[int] = field(default_factory=list)  # instance ids the referrals started


@dataclass
class Verdict:
    violations: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.violations

    def __str__(self) -> str:
        figures = ", ".join(f"{name} {n}" for name, n in self.counts.items())
        if self.clean:
            return f"clean ({figures})"
        return f"{len(self.violations)} violations ({figures}):\n" + "\n".join(self.violations[:50])


def check(session: Session, ledger: Ledger, *, now: datetime, due_times: DueTimes | None = None) -> Verdict:
    verdict = Verdict()
    _completions(session, ledger, verdict)
    _referrals(session, ledger, verdict)
    _timers(session, now, verdict)
    _half_applied(session, verdict, due_times)
    _numbering(session, verdict)
    return verdict


def _completions(session: Session, ledger: Ledger, verdict: Verdict) -> None:
    twice = session.execute(
        select(Event.instance_id, Event.task_id, Event.bpmn_id, func.count()).where(Event.kind == "task_completed")
        .group_by(Event.instance_id, Event.task_id, Event.bpmn_id).having(func.count() > 1)).all()
    for instance_id, task_id, bpmn_id, n in twice:
        verdict.violations.append(f"applied twice: task {task_id} ({bpmn_id}) of instance {instance_id} "
                                  f"completed {n} times")
    verdict.counts["completions in ledger"] = len(ledger.completions)
    for task_id in ledger.completions:
        events = session.scalar(select(func.count()).select_from(Event).where(
            Event.task_id == task_id, Event.kind == "task_completed", Event.actor != "engine"))
        row = session.get(HumanTask, task_id)
        if not events:
            verdict.violations.append(f"lost: the client was told task {task_id} was completed; the history "
                                      "has no completion")
        if row is None or row.state != TaskStatus.COMPLETED:
            verdict.violations.append(f"lost: task {task_id} answered completed but its row is "
                                      f"{row.state if row else 'missing'}")


def _referrals(session: Session, ledger: Ledger, verdict: Verdict) -> None:
    verdict.counts["referrals in ledger"] = len(ledger.referrals)
    for instance_id in ledger.referrals:
        started = session.scalar(select(func.count()).select_from(Event).where(
            Event.instance_id == instance_id, Event.kind == "instance_started"))
        if started != 1:
            verdict.violations.append(f"referral's instance {instance_id} has {started} instance_started events")


def _timers(session: Session, now: datetime, verdict: Verdict) -> None:
    late = session.scalars(select(Instance.id).where(
        Instance.status == InstanceStatus.ACTIVE, Instance.next_timer_due_at <= now)).all()
    for instance_id in late:
        verdict.violations.append(f"never fired: instance {instance_id} is still due at the end")
    verdict.counts["catch events completed"] = session.scalar(select(func.count()).select_from(Event).where(
        Event.kind == "task_completed", Event.actor == "engine",
        Event.data["type"].as_string().in_(("IntermediateCatchEvent", "BoundaryEvent")))) or 0


def _half_applied(session: Session, verdict: Verdict, due_times: DueTimes | None) -> None:
    ended_open = session.execute(
        select(HumanTask.id, Instance.id, Instance.status).join(Instance, Instance.id == HumanTask.instance_id)
        .where(HumanTask.state == TaskStatus.OPEN, Instance.status.in_((InstanceStatus.COMPLETED,
                                                                         InstanceStatus.TERMINATED)))).all()
    for task_id, instance_id, status in ended_open:
        verdict.violations.append(f"half-applied: task {task_id} open in {status} instance {instance_id}")
    done_open = session.scalars(
        select(HumanTask.id).where(HumanTask.state == TaskStatus.OPEN, select(Event.id).where(
            Event.task_id == HumanTask.id, Event.kind == "task_completed").exists())).all()
    for task_id in done_open:
        verdict.violations.append(f"half-applied: task {task_id} completed in the history but its row is open")
    never_run = session.scalars(select(Instance.id).where(Instance.status == InstanceStatus.ACTIVE,
                                                          Instance.state == "")).all()
    for instance_id in never_run:
        verdict.violations.append(f"half-applied: instance {instance_id} was created but never run")
    instances = session.scalars(select(Instance).where(Instance.state != "")).all()
    verdict.counts["instances"] = len(instances)
    if due_times is None:
        return
    for instance in instances:
        times = due_times(session, instance) if instance.status == InstanceStatus.ACTIVE else []
        expected = min(times) if times else None
        if instance.next_timer_due_at != expected:
            verdict.violations.append(f"half-applied: instance {instance.id} next_timer_due_at "
                                      f"{instance.next_timer_due_at} but its state waits on {expected}")


def _numbering(session: Session, verdict: Verdict) -> None:
    rows = session.execute(select(Event.instance_id, func.count(), func.count(func.distinct(Event.seq)),
                                  func.min(Event.seq), func.max(Event.seq)).group_by(Event.instance_id)).all()
    for instance_id, n, distinct, lowest, highest in rows:
        if not (n == distinct == highest and lowest == 1):
            verdict.violations.append(f"numbering: instance {instance_id} has {n} events numbered "
                                      f"{lowest}..{highest} ({distinct} distinct)")
    verdict.counts["events"] = sum(row[1] for row in rows)
