"""The timer sweep wired into the app (timers/ holds the sweep, the tick and the worker loop): the
settings, the app context and session around each tick, and the ``flask timers sweep`` and
``flask timers run`` commands."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from flask import Flask
from sqlalchemy.orm import Session

from timers.scheduler import start_scheduler, tick_job
from timers.sweep import SweepResult, sweep_and_deliver
from timers.worker import run_worker, stopping_on_signals
from web.extensions import db
from web.wiring import get_engine


def _session() -> Session:
    return db.session()


def sweep_once(batch: int) -> tuple[SweepResult, int]:
    """One sweep and the outbox, in the current app context (the CLI, the clock API, the demo)."""
    return sweep_and_deliver(get_engine(), _session, batch=batch)


def serving() -> bool:
    """Is this process about to serve requests? A WSGI server builds the app outside any command line;
    ``flask run`` builds it inside its own command. Every other command (migrations, deploy, setup, the
    timer CLI) builds it too, and must not start a sweep of its own beside what it was asked to do."""
    command = click.get_current_context(silent=True)
    return command is None or command.command.name == "run"


def app_tick(app: Flask) -> Callable[[], None]:
    """One tick of the sweep with the app's settings, each in its own app context and session."""

    @contextmanager
    def in_app() -> Iterator[None]:
        with app.app_context():
            try:
                yield
            finally:
                db.session.remove()

    return tick_job(get_engine, _session, batch=app.config["TIMER_SWEEP_BATCH"],
                    interval_s=app.config["TIMER_SWEEP_INTERVAL_S"], context=in_app)


def init_scheduler(app: Flask) -> None:
    """Start the in-app sweep once per serving process (never in CLI commands, tests or the reloader's watcher)."""
    if not app.config["SCHEDULER_ENABLED"] or app.config.get("TESTING") or not serving():
        return
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return
    app.extensions["scheduler"] = start_scheduler(app_tick(app), interval_s=app.config["TIMER_SWEEP_INTERVAL_S"])


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

    @timers_group.command("run")
    @click.option("--ticks", type=click.IntRange(min=1), default=None,
                  help="Stop after this many ticks (default: run until SIGTERM or SIGINT).")
    def run_command(ticks: int | None) -> None:
        """Sweep every TIMER_SWEEP_INTERVAL_S seconds until stopped: the dedicated timer worker.

        Run web workers with SCHEDULER_ENABLED=0 beside it; several workers may run at once."""
        interval_s = app.config["TIMER_SWEEP_INTERVAL_S"]
        click.echo(f"timer worker: sweeping every {interval_s:g} s (batch {app.config['TIMER_SWEEP_BATCH']})")
        with stopping_on_signals(threading.Event()) as stop:
            ran = run_worker(app_tick(app), interval_s=interval_s, stop=stop, max_ticks=ticks)
        click.echo(f"timer worker stopped after {ran} ticks")
