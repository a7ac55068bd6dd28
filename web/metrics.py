"""Prometheus metrics at ``/metrics``: requests by route and status with their latency, the timer
sweep's figures (timers/metrics.py), and the engine's state read from the database at each scrape.

The database figures (tasks by process and state, open incidents, the outbox backlog, due timers,
deploys) are the same whichever process is scraped. Per-process figures are summed over every process
that writes to ``PROMETHEUS_MULTIPROC_DIR`` when it is set (``make serve`` sets it for the web and
timer workers); without it, a process reports its own. Labels are route templates and process ids,
never a URL's values: no reference or name reaches the metrics.

Only the networks in ``METRICS_ALLOW`` (default: this machine) or a bearer ``METRICS_TOKEN`` may read
them; anyone else gets the same 404 as an unknown page.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session

import timers.metrics  # noqa: F401  (the sweep's metrics join the registry)
from engine.queries import engine_counts
from web.extensions import db
from web.wiring import get_engine

metrics = Blueprint("metrics", __name__)

REQUESTS = Counter("family_journeys_http_requests_total", "HTTP requests answered.", ["route", "method", "status"])
LATENCY = Histogram("family_journeys_http_request_duration_seconds", "Time to answer an HTTP request.",
                    ["route", "method"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


class DatabaseCollector(Collector):
    """The engine's state, counted in the database when scraped (so every process agrees)."""

    def __init__(self, session: Callable[[], Session], now: Callable[[], datetime]) -> None:
        self._session = session
        self._now = now

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        counts = engine_counts(self._session(), self._now())
        tasks = GaugeMetricFamily("family_journeys_tasks", "Human tasks by process and state.",
                                  labels=["process", "state"])
        for (process, state), number in sorted(counts.tasks.items()):
            tasks.add_metric([process, state], number)
        yield tasks
        yield GaugeMetricFamily("family_journeys_incidents_open", "Instances stopped on an error.",
                                value=counts.incidents_open)
        yield GaugeMetricFamily("family_journeys_outbox_backlog", "Thrown messages not yet delivered.",
                                value=counts.outbox_backlog)
        yield GaugeMetricFamily("family_journeys_timers_due", "Active instances whose next timer is due.",
                                value=counts.timers_due)
        yield CounterMetricFamily("family_journeys_definition_deploys", "Definition bundles deployed.",
                                  value=counts.deploys)


def may_read_metrics() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if token and hmac.compare_digest(offered.encode(), token.encode()):
        return True
    try:
        client = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(network.strip())
               for network in current_app.config["METRICS_ALLOW"].split(",") if network.strip())


@metrics.get("/metrics")
def scrape() -> Response:
    if not may_read_metrics():
        abort(404)
    registry = CollectorRegistry()
    registry.register(DatabaseCollector(db.session, lambda: get_engine().clock.now()))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY) + generate_latest(registry)
    return Response(text, content_type=CONTENT_TYPE_LATEST)


def _started() -> None:
    g.request_started = time.perf_counter()


def _answered(response: Response) -> Response:
    started = g.pop("request_started", None)
    if started is not None:
        route = request.url_rule.rule if request.url_rule else "(unrouted)"
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        LATENCY.labels(route, request.method).observe(time.perf_counter() - started)
    return response


def init_metrics(app: Flask) -> None:
    app.register_blueprint(metrics)
    app.before_request(_started)
    app.after_request(_answered)
