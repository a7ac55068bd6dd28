"""Benchmarks 1 and 2: completing a user task through the engine, and completions per second.

review.bpmn: ``do_review`` (user task) -> ``tally`` (script task) -> ``approve`` (user task with a form).
One completion is ``Engine.complete`` of ``do_review``: the visibility read, then one transaction that
locks the instance, loads its state, completes the task, runs the script, saves the state, the
human-task projection and the events, and commits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text

from bench import baseline, fixtures
from bench.db import SqlCounter, build_app, database_url
from bench.stats import Outcome, summary_ms, time_each
from engine.models import Instance
from web.extensions import db
from web.wiring import get_engine

SPIFFARENA_P50_MS = 81.6
TARGET_RATIO = 3.0
TARGET_P50_MS = 5.0
TARGET_PER_S = 200.0


@dataclass
class Sizes:
    completions: int
    warmup: int
    throughput: int


def _commit_floor(calls: int) -> list[float]:
    """The least a durable change costs here: one single-row UPDATE and its COMMIT, through the session."""
    statement = text("UPDATE instance SET updated_at = updated_at WHERE id = (SELECT min(id) FROM instance)")

    def change(_: int) -> None:
        db.session.execute(statement)
        db.session.commit()

    time_each(20, change)
    return time_each(calls, change)


def _completion_samples(backend: str, sizes: Sizes, *, keep_state: bool) -> dict[str, Any]:
    """Time each completion on a fresh database; counts statements and commits while doing it."""
    with database_url(backend) as url:
        app = build_app(url, operations={"checkpoint": fixtures.checkpoint})
        with app.app_context():
            engine = get_engine()
            counter = SqlCounter()
            counter.attach(db.engine)
            fixtures.people(engine)
            fixtures.deploy(engine, fixtures.TEST_BPMN / "review.bpmn")
            started = time.perf_counter()
            tasks = fixtures.start_reviews(engine, sizes.warmup + sizes.completions)
            start_s = (time.perf_counter() - started) / len(tasks)
            state = spec = subprocess_specs = None
            if keep_state:  # the stored state after start, for the in-memory baseline
                row = db.session.scalar(select(Instance).order_by(Instance.id.desc()).limit(1))
                assert row is not None
                loaded = engine.definitions.load(db.session(), row.version_id)
                state, spec = row.state, loaded.bundle.specs["review"]
                subprocess_specs = loaded.bundle.subprocess_specs["review"]
                db.session.rollback()

            warm, rest = tasks[:sizes.warmup], tasks[sizes.warmup:]
            time_each(len(warm), lambda i: engine.complete(warm[i], {"note": "seen"}, fixtures.REVIEWER))
            cpu_before = time.process_time()
            with counter.counting():
                samples = time_each(len(rest), lambda i: engine.complete(rest[i], {"note": "seen"},
                                                                         fixtures.REVIEWER))
            cpu_ms = (time.process_time() - cpu_before) / len(rest) * 1000
            floor = _commit_floor(len(rest))
            db.session.remove()
            db.engine.dispose()
    return {"samples": samples, "sql": counter.per(len(rest)), "start_ms": start_s * 1000, "cpu_ms": cpu_ms,
            "floor": floor,
            "state": state, "spec": spec, "subprocess_specs": subprocess_specs}


def run_completion(backends: list[str], sizes: Sizes) -> Outcome:
    outcome = Outcome("completion")
    measured: dict[str, dict[str, Any]] = {}
    for index, backend in enumerate(backends):
        measured[backend] = _completion_samples(backend, sizes, keep_state=index == 0)
    first = measured[backends[0]]
    base = baseline.measure(first["state"], first["spec"], first["subprocess_specs"], sizes.completions)
    base_summary = summary_ms(base["load_step_save"])
    step_summary = summary_ms(base["step_only"])
    outcome.add("baseline: bare SpiffWorkflow load+step+save p50", base_summary["p50_ms"], "ms",
                "(reference)")
    outcome.add("baseline: bare SpiffWorkflow step only p50", step_summary["p50_ms"], "ms", "(reference)")
    outcome.details["baseline"] = {"load_step_save": base_summary, "step_only": step_summary}
    for backend in backends:
        result = measured[backend]
        summary = summary_ms(result["samples"])
        ratio = summary["p50_ms"] / base_summary["p50_ms"]
        outcome.add(f"{backend}: completion p50", summary["p50_ms"], "ms", f"<= {TARGET_P50_MS:g} ms",
                    summary["p50_ms"] <= TARGET_P50_MS)
        outcome.add(f"{backend}: completion p95", summary["p95_ms"], "ms")
        outcome.add(f"{backend}: p50 / baseline p50", ratio, "x", f"<= {TARGET_RATIO:g}x", ratio <= TARGET_RATIO)
        outcome.add(f"{backend}: SpiffArena p50 / ours", SPIFFARENA_P50_MS / summary["p50_ms"], "x", "(reference)")
        floor = summary_ms(result["floor"])
        outcome.add(f"{backend}: floor: one-row UPDATE + COMMIT p50", floor["p50_ms"], "ms", "(reference)")
        # CPU time of this process only (no database server, no waiting): steadier on a busy machine.
        outcome.add(f"{backend}: our process's CPU per completion", result["cpu_ms"], "ms", "(reference)")
        outcome.add(f"{backend}: SQL statements per completion", result["sql"]["statements"], "",
                    "(SpiffArena: 65)")
        outcome.add(f"{backend}: commits per completion", result["sql"]["commits"], "", "1 (SpiffArena: 5)",
                    result["sql"]["commits"] == 1)
        outcome.details[backend] = {"completion": summary, "sql_per_completion": result["sql"],
                                    "start_instance_mean_ms": round(result["start_ms"], 3),
                                    "process_cpu_ms_per_completion": round(result["cpu_ms"], 3),
                                    "floor_update_commit": floor}
    outcome.details["workflow"] = "tests/engine/bpmn/review.bpmn: do_review (user) -> tally (script) -> approve"
    return outcome


def run_throughput(backends: list[str], sizes: Sizes) -> Outcome:
    """Completions per second, one process, one thread, back to back."""
    outcome = Outcome("throughput")
    for backend in backends:
        with database_url(backend) as url:
            app = build_app(url, operations={"checkpoint": fixtures.checkpoint})
            with app.app_context():
                engine = get_engine()
                fixtures.people(engine)
                fixtures.deploy(engine, fixtures.TEST_BPMN / "review.bpmn")
                tasks = fixtures.start_reviews(engine, sizes.warmup + sizes.throughput)
                for task_id in tasks[:sizes.warmup]:
                    engine.complete(task_id, {"note": "seen"}, fixtures.REVIEWER)
                started = time.perf_counter()
                for task_id in tasks[sizes.warmup:]:
                    engine.complete(task_id, {"note": "seen"}, fixtures.REVIEWER)
                elapsed = time.perf_counter() - started
                db.session.remove()
                db.engine.dispose()
        rate = sizes.throughput / elapsed
        target = backend == "postgres"
        outcome.add(f"{backend}: completions per second", rate, "/s",
                    f">= {TARGET_PER_S:g}/s" if target else "(reference)", rate >= TARGET_PER_S if target else None)
        outcome.details[backend] = {"completions": sizes.throughput, "seconds": round(elapsed, 3)}
    return outcome
