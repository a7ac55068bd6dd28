"""gunicorn's settings for ``make serve``: the web workers, and beside them the dedicated timer workers.

    gunicorn -c web/gunicorn_conf.py          # what `make serve` runs, after migrating and deploying

``WEB_CONCURRENCY`` web workers (default 2) on ``BIND`` (default 127.0.0.1:8000); ``TIMER_WORKERS``
processes of ``flask --app web timers run`` (default 1), started once the server is ready and stopped
with it. The web workers then never sweep (``SCHEDULER_ENABLED=0``). With ``TIMER_WORKERS=0`` run the
timer workers as their own services instead (docs/operations.md); each web worker then sweeps
in-app unless ``SCHEDULER_ENABLED=0`` is set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from typing import Any

wsgi_app = "web:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
graceful_timeout = 30
accesslog = "-"

# Every worker and timer worker writes its metrics here; /metrics sums them (web/metrics.py). A fresh
# folder per server: figures of processes from an earlier run must not be summed in.
METRICS_DIR_MADE_HERE = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if METRICS_DIR_MADE_HERE:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="family-journeys-metrics-")

# Imported in the master at start, once the folder is set (prometheus_client picks its multiprocess values at
# import, and the workers inherit the module): imported inside child_exit, a SIGCHLD handler, a second worker's
# exit arrived mid-import, re-entered the handler, and the master crashed while stopping.
from prometheus_client import multiprocess  # noqa: E402

TIMER_WORKERS = int(os.environ.get("TIMER_WORKERS", "1"))
if TIMER_WORKERS:
    os.environ["SCHEDULER_ENABLED"] = "0"  # the timer workers sweep; the web workers only serve

_timer_workers: list[subprocess.Popen[bytes]] = []


def when_ready(server: Any) -> None:
    for _ in range(TIMER_WORKERS):
        _timer_workers.append(subprocess.Popen([sys.executable, "-m", "flask", "--app", "web", "timers", "run"]))
    server.log.info("started %d timer workers", TIMER_WORKERS)


def child_exit(server: Any, worker: Any) -> None:
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """SIGTERM lets each timer worker finish the tick in progress before it exits."""
    for worker in _timer_workers:
        worker.terminate()
    for worker in _timer_workers:
        try:
            worker.wait(timeout=graceful_timeout)
        except subprocess.TimeoutExpired:
            worker.kill()
    server.log.info("timer workers stopped")
    if METRICS_DIR_MADE_HERE:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
