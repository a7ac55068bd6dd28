"""timers/worker.py: the dedicated timer worker's loop runs ticks until stopped, survives a failing
tick, and turns SIGTERM into a stop after the tick in progress."""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.access import SYSTEM
from engine.models import Instance, InstanceStatus
from timers.worker import run_worker, stopping_on_signals
from web.extensions import db
from web.wiring import get_engine


def test_the_loop_runs_ticks_until_max_ticks() -> None:
    calls: list[int] = []
    ran = run_worker(lambda: calls.append(1), interval_s=0, stop=threading.Event(), max_ticks=3)
    assert (ran, len(calls)) == (3, 3)


def test_a_stop_requested_during_a_tick_ends_the_loop_after_that_tick() -> None:
    stop = threading.Event()
    calls: list[str] = []

    def tick() -> None:
        calls.append("started")
        stop.set()  # as SIGTERM's handler would, in the middle of a sweep
        calls.append("finished")

    assert run_worker(tick, interval_s=3600, stop=stop) == 1  # no hour-long wait: the stop ends it
    assert calls == ["started", "finished"]


def test_a_failing_tick_is_logged_and_the_next_tick_runs(caplog: pytest.LogCaptureFixture) -> None:
    outcomes = iter([RuntimeError("database restarting"), None])

    def tick() -> None:
        error = next(outcomes)
        if error:
            raise error

    with caplog.at_level(logging.ERROR, logger="timers.worker"):
        assert run_worker(tick, interval_s=0, stop=threading.Event(), max_ticks=2) == 2
    assert "timer sweep tick failed" in caplog.text


def test_sigterm_sets_the_stop_instead_of_killing_the_process_and_the_handler_is_restored() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with stopping_on_signals(threading.Event()) as stop:
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(5)  # delivered to this (main) thread before kill returns; no real wait
    assert signal.getsignal(signal.SIGTERM) is before


def test_the_timers_run_command_fires_due_timers(api: Any, ctx: Flask) -> None:
    assert api.deploy("tick.bpmn").status_code == 201
    for _ in range(3):
        get_engine().start("tick", None, {}, SYSTEM)
    assert api.post("/api/v1/clock", as_="admin", json={"advance": "PT2H"}).status_code == 200
    db.session.remove()
    result = ctx.test_cli_runner().invoke(args=["timers", "run", "--ticks", "1"])
    assert result.exit_code == 0, result.output
    assert "timer worker stopped after 1 ticks" in result.output
    completed = db.session.scalar(select(func.count()).select_from(Instance)
                                  .where(Instance.status == InstanceStatus.COMPLETED))
    assert completed == 3


def test_the_timers_run_command_refuses_zero_ticks(ctx: Flask) -> None:
    result = ctx.test_cli_runner().invoke(args=["timers", "run", "--ticks", "0"])
    assert result.exit_code == 2
    assert "Invalid value for '--ticks'" in result.output
