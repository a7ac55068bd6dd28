"""The timer sweep wired into the app: the scheduler job, the CLI command and their shared body."""

from __future__ import annotations

import os
import time

import click
from flask import Flask

from timers.scheduler import start_scheduler
from timers.sweep import SweepResult, sweep
from web.extensions import db
from web.wiring import get_engine


def sweep_once(batch: int) -> tuple[SweepResult, int]:
    engine = get_engine()
    result = sweep(engine, lambda: db.session(), batch=batch)
    return result, engine.deliver_outbox(limit=batch)


def serving() -> bool:
    """Is this process about to serve requests? A WSGI server builds the app outside any command line;
    ``flask run`` builds it inside its own command. Every other command (migrations, deploy, setup, the
    timer CLI) builds it too, and must not start a sweep of its own beside what it was asked to do."""
    command = click.get_current_context(silent=True)
    return command is None or command.command.name == "run"


def init_scheduler(app: Flask) -> None:
    """Start the in-app sweep once per serving process (never in CLI commands, tests or the reloader's watcher)."""
    if not app.config["SCHEDULER_ENABLED"] or app.config.get("TESTING") or not serving():
        return
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return

    batch = app.config["TIMER_SWEEP_BATCH"]
    interval_s = app.config["TIMER_SWEEP_INTERVAL_S"]

    def job() -> None:
        # A full batch means more is due: keep sweeping within this tick's interval, so a burst of
        # timers drains at the sweep's own speed rather than one batch per tick.
        started = time.monotonic()
        with app.app_context():
            try:
                while True:
                    result, _ = sweep_once(batch)
                    handled = result.fired + result.failed + result.skipped
                    if handled < batch or time.monotonic() - started > interval_s:
                        break
            finally:
                db.session.remove()

    app.extensions["scheduler"] = start_scheduler(job, interval_s=interval_s)


def register_timer_cli(app: Flask) -> None:
    @app.cli.group("timers")
    def timers_group() -> None:
        """The timer sweep."""

    @timers_group.command("sweep")
    @click.option("--batch", default=1000, show_default=True, help="At most this many instances.")
    def sweep_command(batch: int) -> None:
        """Fire every due timer now (and deliver thrown messages)."""
        result, delivered = sweep_once(batch)
        click.echo(f"fired {result.fired}, failed {result.failed}, skipped {result.skipped}, "
                   f"started {result.started}, messages delivered {delivered}")
