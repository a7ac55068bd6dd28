"""What the timer sweep reports to Prometheus: sweeps, their duration, timers fired and how late.

Recorded in whichever process sweeps (a timer worker, or a web worker's in-app scheduler). Under
``make serve`` every process writes to prometheus-client's multiprocess folder
(``PROMETHEUS_MULTIPROC_DIR``), so a web worker's ``/metrics`` shows the timer workers' figures too.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from timers.sweep import SweepResult

SWEEPS = Counter("family_journeys_timer_sweeps_total", "Timer sweeps run.")
SWEEP_SECONDS = Histogram("family_journeys_timer_sweep_duration_seconds", "Duration of one timer sweep.",
                          buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
FIRED = Counter("family_journeys_timers_fired_total", "Due timers fired by the sweep.")
FAILED = Counter("family_journeys_timer_failures_total", "Due instances the sweep could not advance.")
LATENESS = Histogram("family_journeys_timer_lateness_seconds", "How long after its due moment a timer fired.",
                     buckets=(1, 5, 10, 30, 60, 300, 900, 3600, 86400))


def record_sweep(result: SweepResult, seconds: float) -> None:
    SWEEPS.inc()
    SWEEP_SECONDS.observe(seconds)
    FIRED.inc(result.fired)
    FAILED.inc(result.failed)
    for lateness in result.lateness_s:
        LATENESS.observe(lateness)
