"""timers/scheduler.py's tick: a full batch means more is due, so the tick sweeps again until the due
timers are drained or its interval is spent; each tick runs inside the context it is given."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from flask import Flask
from sqlalchemy import func, select

from engine.access import SYSTEM
from engine.models import Instance, InstanceStatus
from tests.fixtures.app import Api
from timers.scheduler import tick_job
from web.extensions import db
from web.wiring import get_engine


def _due_ticks(api: Api, count: int) -> None:
    assert api.deploy("tick.bpmn").status_code == 201
    for _ in range(count):
        get_engine().start("tick", None, {}, SYSTEM)
    assert api.post("/api/v1/clock", as_="admin", json={"advance": "PT2H"}).status_code == 200
    db.session.remove()


def _completed() -> int:
    return db.session.scalar(select(func.count()).select_from(Instance)
                             .where(Instance.status == InstanceStatus.COMPLETED)) or 0


def test_a_tick_drains_every_due_timer_in_full_batches(api: Api, ctx: Flask) -> None:
    _due_ticks(api, 5)
    entered: list[str] = []

    @contextmanager
    def context() -> Iterator[None]:
        entered.append("in")
        yield
        entered.append("out")

    tick_job(get_engine, lambda: db.session(), batch=2, interval_s=60, context=context, monotonic=lambda: 0.0)()
    assert _completed() == 5  # batches of 2, 2 and 1: the short one ends the tick
    assert entered == ["in", "out"]  # one context around the whole tick


def test_a_tick_stops_when_its_interval_is_spent(api: Api, ctx: Flask) -> None:
    _due_ticks(api, 5)
    readings = iter([0.0, 61.0])
    tick_job(get_engine, lambda: db.session(), batch=2, interval_s=60, context=nullcontext,
             monotonic=lambda: next(readings))()
    assert _completed() == 2  # one full batch, then the next tick's turn
