"""Benchmark 4 (timers): fired per second when many fall due at once, and lateness under the scheduler.

The idle sweep over a million waiting timers is in bench/scale.py (it shares the bulk-loaded rows).
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from bench import fixtures
from bench.db import build_app, database_url
from bench.stats import Outcome, percentile
from engine.access import SYSTEM
from engine.clock import ManualClock
from engine.models import Instance, InstanceStatus
from timers.sweep import sweep
from web.extensions import db
from web.wiring import get_engine


@dataclass
class FireSizes:
    due: int  # instances whose timer falls due at once
    budget_s: float  # stop starting instances after this long (the rest of the run must fit too)
    cli_batch: int = 1000  # ``flask timers sweep``'s default batch


def run_fire_rate(backend: str, sizes: FireSizes) -> Outcome:
    """Start tick.bpmn instances (a PT1H timer, then a service task), move the manual clock two hours,
    then fire them all: first one sweep of the CLI's default batch (1,000), then sweeps of the
    scheduler's default batch (``TIMER_SWEEP_BATCH``, 100) back to back until none is due."""
    outcome = Outcome("timer_fire")
    with database_url(backend) as url:
        app = build_app(url, clock="manual", operations={"checkpoint": fixtures.checkpoint})
        with app.app_context():
            engine = get_engine()
            fixtures.deploy(engine, fixtures.TEST_BPMN / "tick.bpmn")
            began = time.perf_counter()
            count = 0
            while count < sizes.due and time.perf_counter() - began < sizes.budget_s:
                engine.start("tick", f"tick-{count}", {}, SYSTEM)
                count += 1
            start_s = time.perf_counter() - began
            db.session.remove()
            clock = engine.clock
            assert isinstance(clock, ManualClock)
            clock.advance("PT2H")
            db.session.remove()
            big_batch = min(sizes.cli_batch, count // 2)
            began = time.perf_counter()
            first = sweep(engine, lambda: db.session(), batch=big_batch)
            big_s = time.perf_counter() - began
            small_batch = app.config["TIMER_SWEEP_BATCH"]
            fired, sweeps = 0, 0
            began = time.perf_counter()
            while True:
                result = sweep(engine, lambda: db.session(), batch=small_batch)
                fired, sweeps = fired + result.fired, sweeps + 1
                if result.fired + result.failed + result.skipped == 0:
                    break
            small_s = time.perf_counter() - began
            completed = db.session.scalar(
                select(func.count()).select_from(Instance).where(Instance.status == InstanceStatus.COMPLETED))
            db.session.remove()
            db.engine.dispose()
    total_rate = (first.fired + fired) / (big_s + small_s)
    interval = app.config["TIMER_SWEEP_INTERVAL_S"]
    outcome.add(f"{backend}: timers due at once", count, "", "10,000", count >= 10_000)
    outcome.add(f"{backend}: fired per second, all of them", total_rate, "/s")
    outcome.add(f"{backend}: fired per second, sweeps of {small_batch}", fired / small_s, "/s")
    outcome.add(f"{backend}: fired per second, one sweep of {big_batch}", first.fired / big_s, "/s")
    outcome.add(f"{backend}: scheduler ceiling ({small_batch} per {interval:g} s tick)", small_batch / interval, "/s")
    outcome.details[backend] = {
        "started": count, "start_seconds": round(start_s, 2), "start_mean_ms": round(start_s / count * 1000, 3),
        "first_sweep": {"batch": big_batch, **first.as_dict(), "seconds": round(big_s, 3)},
        "batched_sweeps": {"batch": small_batch, "sweeps": sweeps, "fired": fired, "seconds": round(small_s, 3)},
        "completed_instances": completed,
    }
    return outcome


class FireLog:
    """Records when each instance's service task ran (wall clock), from the scheduler's thread."""

    def __init__(self) -> None:
        self.fired: dict[int, datetime] = {}
        self.lock = threading.Lock()

    def operation(self, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.fired[ctx.instance.id] = datetime.now(UTC)
        return {}


def run_lateness(backend: str, instances: int, timeout_s: float) -> Outcome:
    """Real short timers (2 to 10 s) on the system clock, fired by the app's own APScheduler job."""
    outcome = Outcome("timer_lateness")
    log = FireLog()
    rng = random.Random(7)
    with database_url(backend) as url:
        app = build_app(url, operations={"checkpoint": fixtures.checkpoint, "bench_fired": log.operation})
        with app.app_context():
            engine = get_engine()
            fixtures.deploy(engine, fixtures.BENCH_BPMN / "wait.bpmn")
            db.session.remove()
        scheduled = build_app(url, scheduler=True, migrate=False,
                              operations={"checkpoint": fixtures.checkpoint, "bench_fired": log.operation})
        interval = scheduled.config["TIMER_SWEEP_INTERVAL_S"]
        due: dict[int, datetime] = {}
        began = time.monotonic()
        try:
            with scheduled.app_context():
                engine = get_engine()
                for i in range(instances):
                    wait = f"PT{rng.uniform(2, 10):.3f}S"
                    ref = engine.start("bench_wait", f"wait-{i}", {"wait": wait}, SYSTEM)
                    row = db.session.get(Instance, ref.id)
                    assert row is not None and row.next_timer_due_at is not None
                    due[ref.id] = row.next_timer_due_at
                    db.session.rollback()
                db.session.remove()
            while len(log.fired) < len(due) and time.monotonic() - began < timeout_s:
                time.sleep(0.2)
        finally:
            scheduled.extensions["scheduler"].shutdown(wait=True)
            with scheduled.app_context():
                db.engine.dispose()
            with app.app_context():
                db.engine.dispose()
    late = [(log.fired[i] - due[i]).total_seconds() for i in due if i in log.fired]
    # The issue sets no target: with a sweep every ``interval`` seconds a timer is expected to fire up to
    # one interval late, plus the time the sweep spends on the timers before it.
    expected = f"(expected: up to {interval:g} s + sweep time)"
    outcome.add(f"{backend}: lateness p50", percentile(late, 50), "s", expected)
    outcome.add(f"{backend}: lateness p99", percentile(late, 99), "s", expected)
    outcome.add(f"{backend}: timers fired / started", len(late), "", f"{len(due)}", len(late) == len(due))
    outcome.details[backend] = {
        "interval_s": interval, "instances": len(due), "fired": len(late), "timers": "PT2S..PT10S, uniform",
        "lateness_s": {"p50": round(percentile(late, 50), 3), "p90": round(percentile(late, 90), 3),
                       "p99": round(percentile(late, 99), 3), "max": round(max(late, default=float("nan")), 3),
                       "min": round(min(late, default=float("nan")), 3)},
    }
    return outcome
