"""The APScheduler job that runs the sweep inside the app (switched by ``SCHEDULER_ENABLED``).

With the manual clock the scheduler still sweeps, but the clock only moves when someone moves it,
so nothing fires early; tests keep it off and call the sweep themselves.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session

from engine.runtime import Engine
from timers.metrics import record_sweep
from timers.sweep import sweep_and_deliver

log = logging.getLogger("timers.scheduler")


def tick_job(engine: Callable[[], Engine], session_factory: Callable[[], Session], *, batch: int,
             interval_s: float, context: Callable[[], AbstractContextManager[Any]],
             monotonic: Callable[[], float] = time.monotonic) -> Callable[[], None]:
    """The body of one scheduler tick: sweep (and deliver) inside ``context`` (the app's, which also
    ends its session), again while a full batch says more is due, until the tick's interval is spent.

    A burst of timers so drains at the sweep's own speed rather than one batch per tick.
    """

    def job() -> None:
        started = monotonic()
        with context():
            while True:
                swept_at = time.perf_counter()
                result, _ = sweep_and_deliver(engine(), session_factory, batch=batch)
                record_sweep(result, time.perf_counter() - swept_at)
                if result.handled < batch or monotonic() - started > interval_s:
                    break

    return job


def start_scheduler(job: Callable[[], Any], *, interval_s: float) -> BackgroundScheduler:
    """Run ``job`` every ``interval_s`` seconds in one background thread, never two at once."""
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    scheduler.add_job(
        job,
        "interval",
        seconds=interval_s,
        id="timer-sweep",
        max_instances=1,  # a slow sweep is never overlapped by the next tick
        coalesce=True,  # ticks missed while it ran collapse into one
        replace_existing=True,
    )
    scheduler.start()
    log.info("timer sweep scheduled every %.1f s", interval_s)
    return scheduler
