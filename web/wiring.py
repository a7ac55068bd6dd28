"""Builds the one configured engine (parser, forms, operations, projectors, clock) for the app."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from engine.clock import Clock, ManualClock, SystemClock
from engine.runtime import Engine
from web.database import sqlite_immediate_transactions
from web.extensions import db
from workflows.hooks import domain_hooks
from workflows.rules.moments import LONDON


def _session() -> Session:
    return db.session()


def init_engine(app: Flask) -> None:
    clock: Clock
    if app.config["CLOCK"] == "manual":
        clock = ManualClock(_session)
    elif app.config["CLOCK"] == "system":
        clock = SystemClock()
    else:
        raise ValueError(f"CLOCK must be 'system' or 'manual', not {app.config['CLOCK']!r}")
    # Forms judge "today" by the engine's clock at the time of the call (the demo swaps in a replay clock).
    hooks = domain_hooks(today=lambda: app.extensions["engine"].clock.now().astimezone(LONDON).date(),
                         session=_session)
    engine = Engine(
        session=_session,
        forms=hooks.forms,
        clock=clock,
        operations={**hooks.operations, **app.config.get("EXTRA_OPERATIONS", {})},
        projectors=[*hooks.projectors, *app.config.get("EXTRA_PROJECTORS", [])],
        script_functions=hooks.script_functions,
        script_time_limit_s=app.config["SCRIPT_TIME_LIMIT_S"],
        timer_cycle_floor_s=app.config["TIMER_CYCLE_FLOOR_S"],
        timer_starts_per_sweep=app.config["TIMER_STARTS_PER_SWEEP"],
        instance_access=hooks.instance_access,
        correlation_check=hooks.correlation_check,
    )
    app.extensions["engine"] = engine
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sqlite_immediate_transactions(db.engine)


def get_engine() -> Engine:
    engine: Any = current_app.extensions["engine"]
    return engine
