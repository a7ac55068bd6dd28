"""Races on real PostgreSQL: one winner per task, exactly-once timers with two sweepers, and a worker
killed in the middle of a step."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.access import SYSTEM, Actor
from engine.errors import Conflict
from engine.models import Event, Instance, InstanceStatus
from tests.fixtures.app import ON_POSTGRES, Api, open_task
from tests.fixtures.threads import in_threads
from timers.sweep import SweepResult, sweep
from web.extensions import db
from web.wiring import get_engine

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="row locks and SKIP LOCKED are PostgreSQL's: CI runs these "
                                                        "with DATABASE_URL=postgresql+psycopg://...")
ROOT = Path(__file__).resolve().parents[2]


def test_two_threads_completing_one_task_exactly_one_wins(api: Api, ctx: Flask) -> None:
    api.deploy("review.bpmn")
    api.user("cm1", "case_manager", teams=("north",))
    response = api.post("/api/v1/instances", as_="cm1", json={"process_id": "review", "data": {
        "family_ref": "F-2027-000001", "allocation": {"case_manager": "cm1", "team": "north"}}})
    task_id = open_task(api, int(response.json["id"]))["id"]
    actor = Actor("cm1", frozenset({"case_manager"}), frozenset({"north"}))
    engine = get_engine()
    results = in_threads(ctx, *[lambda: engine.complete(task_id, {"n": 1}, actor)] * 2)
    conflicts = [r for r in results if isinstance(r, Conflict)]
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1 and len(conflicts) == 1, results
    assert conflicts[0].code in {"task_not_open", "lost_race"}
    completions = db.session.scalar(select(func.count()).select_from(Event).where(
        Event.task_id == task_id, Event.kind == "task_completed"))
    assert completions == 1


def test_two_sweepers_fire_each_of_1000_timers_exactly_once(api: Api, ctx: Flask) -> None:
    api.deploy("tick.bpmn")
    engine = get_engine()
    for _ in range(1000):
        engine.start("tick", None, {}, SYSTEM)
    api.post("/api/v1/clock", as_="admin", json={"advance": "PT2H"})
    results = in_threads(ctx, *[lambda: sweep(engine, lambda: db.session(), batch=1000)] * 2)
    assert all(isinstance(r, SweepResult) for r in results), results
    assert sum(r.fired for r in results) == 1000
    assert all(r.fired > 0 for r in results), [r.fired for r in results]  # both did real work
    assert all(r.failed == 0 for r in results)
    fired_per_instance = db.session.execute(
        select(Event.instance_id, func.count()).where(Event.kind == "task_completed", Event.bpmn_id == "hour")
        .group_by(Event.instance_id)).all()
    assert len(fired_per_instance) == 1000 and {n for _, n in fired_per_instance} == {1}
    assert db.session.scalar(select(func.count()).select_from(Instance).where(
        Instance.status == InstanceStatus.COMPLETED)) == 1000


WORKER = """
import os, sys
sys.path.insert(0, {root!r})
from tests.fixtures.app import checkpoint, write_note
from web import create_app
from web.extensions import db
from web.wiring import get_engine
from timers.sweep import sweep
app = create_app({{"SQLALCHEMY_DATABASE_URI": {url!r}, "CLOCK": "manual", "SCHEDULER_ENABLED": False,
                  "INSTANCE_PATH": {instance!r},
                  "EXTRA_OPERATIONS": {{"write_note": write_note, "checkpoint": checkpoint}}}})
with app.app_context():
    sweep(get_engine(), lambda: db.session(), batch=10)
"""


def test_a_worker_killed_mid_step_leaves_the_last_committed_state_and_the_next_sweep_carries_on(
        api: Api, ctx: Flask) -> None:
    api.deploy("tick.bpmn")
    engine = get_engine()
    instance_id = engine.start("tick", None, {}, SYSTEM).id
    api.post("/api/v1/clock", as_="admin", json={"advance": "PT2H"})
    db.session.commit()
    code = WORKER.format(root=str(ROOT), url=os.environ["DATABASE_URL"], instance=ctx.instance_path)
    worker = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "CHECKPOINT_BLOCKS": "1"}, cwd=ROOT)
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == f"in-step {instance_id}"  # blocks until it is mid-step
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL
    db.session.rollback()
    row = db.session.get(Instance, instance_id, populate_existing=True)
    assert row is not None and row.status == InstanceStatus.ACTIVE and row.lock_version == 2  # as committed
    result = sweep(engine, lambda: db.session(), batch=10)  # waits for PostgreSQL to drop the dead lock
    assert result.fired == 1
    row = db.session.get(Instance, instance_id, populate_existing=True)
    assert row is not None and row.status == InstanceStatus.COMPLETED
    assert row.data["checkpoint"] == {"instance": instance_id}


def test_concurrent_steps_on_one_instance_number_its_events_without_gaps(api: Api, ctx: Flask) -> None:
    api.deploy("review.bpmn")
    api.user("cm1", "case_manager", teams=("north",))
    response = api.post("/api/v1/instances", as_="cm1", json={"process_id": "review", "data": {
        "family_ref": "F-2027-000001", "allocation": {"case_manager": "cm1", "team": "north"}}})
    instance_id = int(response.json["id"])
    task_id = open_task(api, instance_id)["id"]
    actor = Actor("cm1", frozenset({"case_manager"}), frozenset({"north"}))
    engine = get_engine()

    def churn() -> int:
        done = 0
        for _ in range(15):
            for step in (lambda: engine.claim(task_id, actor), lambda: engine.unclaim(task_id, actor),
                         lambda: engine.advance(instance_id, SYSTEM)):
                try:
                    step()
                    done += 1
                except Conflict:  # lost a claim or unclaim race: rolled back, numbers and all
                    pass
        return done

    results = in_threads(ctx, *[churn] * 4)
    assert all(isinstance(r, int) for r in results), results
    numbers = list(db.session.scalars(select(Event.seq).where(Event.instance_id == instance_id).order_by(Event.seq)))
    assert numbers == list(range(1, len(numbers) + 1))
    claims = db.session.scalar(select(func.count()).select_from(Event).where(
        Event.instance_id == instance_id, Event.kind.in_(("task_claimed", "task_unclaimed"))))
    assert claims and claims > 4
