"""The in-app sweep job is configured from settings, and the clock endpoint exists only when manual."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from engine.clock import SystemClock
from web import create_app
from web.wiring import get_engine


def second_app(app: Flask, **settings: object) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                       "INSTANCE_PATH": app.instance_path, **settings})


def test_the_scheduler_runs_the_sweep_at_the_configured_interval(ctx: Flask) -> None:
    app = second_app(ctx, SCHEDULER_ENABLED=True, TESTING=False, TIMER_SWEEP_INTERVAL_S=90.0, CLOCK="manual")
    scheduler = app.extensions["scheduler"]
    try:
        job = scheduler.get_job("timer-sweep")
        assert job is not None and job.trigger.interval == timedelta(seconds=90)
        assert job.max_instances == 1 and job.coalesce is True
    finally:
        scheduler.shutdown(wait=False)
    quiet = second_app(ctx, SCHEDULER_ENABLED=False, TESTING=False, CLOCK="manual")
    assert "scheduler" not in quiet.extensions


def test_the_clock_cannot_be_moved_with_the_system_clock(ctx: Flask, api: object) -> None:
    app = second_app(ctx, CLOCK="system", SCHEDULER_ENABLED=False, TESTING=True)
    with app.app_context():
        assert isinstance(get_engine().clock, SystemClock)
    response = app.test_client().post("/api/v1/clock", json={"advance": "P1D"})
    assert (response.status_code, response.json["error"]["code"]) == (404, "not_found")
