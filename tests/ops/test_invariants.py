"""The invariant checker: clean on an honest history, and each kind of violation flagged on a database
corrupted on purpose."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from bench.invariants import Ledger, Verdict, check, engine_due_times
from engine.models import Event, HumanTask, Instance, TaskStatus
from tests.fixtures.app import Api, open_task
from timers.sweep import sweep
from web.extensions import db
from web.wiring import get_engine


@pytest.fixture
def history(api: Api) -> tuple[Ledger, int, int]:
    """A review instance whose first task was completed (in the ledger) and a tick instance whose timer
    fired in a sweep, then a second tick instance still waiting on its hour."""
    api.deploy("review.bpmn", "tick.bpmn")
    api.user("cm1", "case_manager", teams=("north",))
    started = api.post("/api/v1/instances", as_="cm1", json={"process_id": "review", "data": {
        "family_ref": "F-2027-000001", "allocation": {"case_manager": "cm1", "team": "north"}}})
    review_id = int(started.json["id"])
    task_id = open_task(api, review_id)["id"]
    assert api.post(f"/api/v1/tasks/{task_id}/complete", as_="cm1", json={"data": {"n": 1}}).status_code == 200
    tick_id = int(api.post("/api/v1/instances", as_="admin", json={"process_id": "tick", "data": {}}).json["id"])
    api.post("/api/v1/clock", as_="admin", json={"advance": "PT2H"})
    assert sweep(get_engine(), lambda: db.session(), batch=10).fired == 1
    api.post("/api/v1/instances", as_="admin", json={"process_id": "tick", "data": {}})
    return Ledger(completions=[task_id], referrals=[review_id]), review_id, tick_id


def verdict(ledger: Ledger) -> Verdict:
    db.session.commit()
    engine = get_engine()
    return check(db.session(), ledger, now=engine.clock.now(), due_times=engine_due_times(engine.transactions.load))


def only(result: Verdict, starts: str) -> str:
    assert len(result.violations) >= 1, result
    assert all(v.startswith(starts) for v in result.violations), result.violations
    return result.violations[0]


def test_an_honest_history_is_clean(history: tuple[Ledger, int, int]) -> None:
    ledger, _, _ = history
    result = verdict(ledger)
    assert result.clean, result
    assert result.counts["completions in ledger"] == 1 and result.counts["instances"] == 3


def test_a_completion_applied_twice_is_flagged(history: tuple[Ledger, int, int]) -> None:
    ledger, review_id, _ = history
    done = db.session.scalar(select(Event).where(Event.task_id == ledger.completions[0],
                                                 Event.kind == "task_completed"))
    assert done is not None
    last = db.session.scalar(select(func.max(Event.seq)).where(Event.instance_id == review_id))
    db.session.add(Event(instance_id=review_id, seq=last + 1, task_id=done.task_id, bpmn_id=done.bpmn_id,
                         kind="task_completed", actor="cm1", at=done.at, data={}))
    assert f"applied twice: task {done.task_id} (do_review) of instance {review_id} completed 2 times" == \
        only(verdict(ledger), "applied twice")


def test_a_completion_answered_but_lost_is_flagged(history: tuple[Ledger, int, int]) -> None:
    ledger, review_id, _ = history
    lost = open_task_row(review_id)
    ledger.completions.append(lost.id)
    result = verdict(ledger)
    assert result.violations == [
        f"lost: the client was told task {lost.id} was completed; the history has no completion",
        f"lost: task {lost.id} answered completed but its row is open"]


def test_a_timer_that_never_fired_is_flagged(history: tuple[Ledger, int, int]) -> None:
    ledger, _, _ = history
    waiting = db.session.scalar(select(Instance).where(Instance.process_id == "tick", Instance.status == "active"))
    assert waiting is not None
    advance = get_engine().clock.advance  # type: ignore[attr-defined]
    advance("PT2H")
    assert only(verdict(ledger), "never fired") == f"never fired: instance {waiting.id} is still due at the end"


def test_a_timer_fired_twice_is_flagged(history: tuple[Ledger, int, int]) -> None:
    ledger, _, tick_id = history
    fired = db.session.scalar(select(Event).where(Event.instance_id == tick_id, Event.bpmn_id == "hour"))
    assert fired is not None and fired.kind == "task_completed"
    last = db.session.scalar(select(func.max(Event.seq)).where(Event.instance_id == tick_id))
    db.session.add(Event(instance_id=tick_id, seq=last + 1, task_id=fired.task_id, bpmn_id="hour",
                         kind="task_completed", actor="engine", at=fired.at, data=fired.data))
    assert "(hour) of instance" in only(verdict(ledger), "applied twice")


def open_task_row(instance_id: int) -> HumanTask:
    row = db.session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                    HumanTask.state == TaskStatus.OPEN))
    assert row is not None
    return row


@pytest.mark.parametrize("corrupt, expected", [
    (lambda review_id, tick_id: setattr(db.session.get(Instance, review_id), "status", "completed"),
     "open in completed instance"),
    (lambda review_id, tick_id: setattr(
        db.session.scalar(select(HumanTask).where(HumanTask.instance_id == review_id,
                                                  HumanTask.state == TaskStatus.COMPLETED)), "state", "open"),
     "completed in the history but its row is open"),
    (lambda review_id, tick_id: setattr(db.session.get(Instance, review_id), "next_timer_due_at",
                                        get_engine().clock.now() + timedelta(days=3)),
     "but its state waits on None"),
])
def test_a_half_applied_instance_is_flagged(history: tuple[Ledger, int, int],
                                            corrupt: Callable[[int, int], None], expected: str) -> None:
    ledger, review_id, tick_id = history
    corrupt(review_id, tick_id)
    result = verdict(ledger)
    assert [v for v in result.violations if v.startswith("half-applied") and expected in v], result


def test_a_gap_in_the_numbering_is_flagged(history: tuple[Ledger, int, int]) -> None:
    ledger, review_id, _ = history
    db.session.execute(delete(Event).where(Event.instance_id == review_id, Event.seq == 2))
    n = db.session.scalar(select(func.count()).select_from(Event).where(Event.instance_id == review_id))
    assert only(verdict(ledger), "numbering") == \
        f"numbering: instance {review_id} has {n} events numbered 1..{n + 1} ({n} distinct)"
