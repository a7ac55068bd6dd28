"""The APScheduler job that runs the sweep inside the app (switched by ``SCHEDULER_ENABLED``).

With the manual clock the scheduler still sweeps, but the clock only moves when someone moves it,
so nothing fires early; tests keep it off and call the sweep themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger("timers.scheduler")


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
