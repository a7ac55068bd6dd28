"""The dedicated timer worker: ``flask --app web timers run`` sweeps in a loop until it is told to stop.

Web workers then run with ``SCHEDULER_ENABLED=0``. Several workers may run at once: each sweep claims
due instances with ``FOR UPDATE SKIP LOCKED``, so two workers never fire the same timer. SIGTERM or
SIGINT ends the loop after the tick in progress (its batch commits instance by instance, so a worker
killed outright loses nothing either: an unfired timer stays due for the next sweep).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

log = logging.getLogger("timers.worker")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def run_worker(tick: Callable[[], None], *, interval_s: float, stop: threading.Event,
               max_ticks: int | None = None) -> int:
    """Run ``tick`` every ``interval_s`` seconds until ``stop`` is set (or ``max_ticks`` ran); the
    number of ticks run. A tick that raises is logged and the loop goes on: one bad sweep must not
    end the worker, and the sweep already isolates one broken instance from the others."""
    ticks = 0
    while not stop.is_set() and (max_ticks is None or ticks < max_ticks):
        try:
            tick()
        except Exception:
            log.exception("timer sweep tick failed; the next tick retries")
        ticks += 1
        if max_ticks is not None and ticks >= max_ticks:
            break
        stop.wait(interval_s)
    log.info("timer worker stopped after %d ticks", ticks)
    return ticks


@contextmanager
def stopping_on_signals(stop: threading.Event) -> Iterator[threading.Event]:
    """While inside, SIGTERM and SIGINT set ``stop`` instead of killing the process mid-tick."""

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("timer worker received %s: stopping after the current tick", signal.Signals(signum).name)
        stop.set()

    previous = {number: signal.signal(number, request_stop) for number in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
