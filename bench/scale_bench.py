"""Benchmarks 3 and 4a on bulk-loaded scale rows (PostgreSQL): the inbox query and the idle timer sweep."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from bench import explain, fixtures, scale
from bench.db import build_app, database_url
from bench.stats import Outcome, summary_ms, time_each
from engine.access import Actor
from engine.models import DefinitionVersion
from engine.queries import TaskFilter, list_tasks
from timers.sweep import sweep
from web.extensions import db
from web.wiring import get_engine

INBOX_TARGET_P95_MS = 20.0
SWEEP_TARGET_MS = 5.0
# Who asks: the realistic inbox is a case manager's (their group, narrowed to their team).
INBOX_ACTORS: dict[str, Actor] = {
    "case manager, own team": Actor("cm-bench", frozenset({"case_manager"}), frozenset({"team-4"})),
    "team manager, own team": Actor("tm-bench", frozenset({"team_manager"}), frozenset({"team-4"})),
    "admin, group filter": Actor("admin-bench", frozenset({"admin"})),
}
INBOX_GROUP = {"case manager, own team": "case_manager", "team manager, own team": "team_manager",
               "admin, group filter": "case_manager"}


def run_scale(names: set[str], sizes: scale.ScaleSizes, calls: int) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with database_url("postgres") as url:
        app = build_app(url, operations={"checkpoint": fixtures.checkpoint})
        with app.app_context():
            engine = get_engine()
            fixtures.people(engine)
            fixtures.deploy(engine, fixtures.TEST_BPMN / "review.bpmn")
            version_id = db.session.query(DefinitionVersion.id).scalar()
            db.session.remove()
            load_timings = scale.load(url, version_id, sizes)
            loaded = {"instances": sizes.instances, "open_tasks": sizes.open_tasks,
                      "completed_tasks": sizes.completed_tasks, "load": load_timings}
            if "inbox" in names:
                outcomes.append(_inbox(calls, loaded))
            if "sweep_idle" in names:
                outcomes.append(_sweep_idle(calls, loaded))
            db.session.remove()
            db.engine.dispose()
    return outcomes


def _inbox(calls: int, loaded: dict[str, Any]) -> Outcome:
    outcome = Outcome("inbox", details={"rows": loaded})
    now = datetime.now(UTC)
    for label, actor in INBOX_ACTORS.items():
        query = TaskFilter(group=INBOX_GROUP[label], limit=50)

        def ask(_: int, actor: Actor = actor, query: TaskFilter = query) -> None:
            page = list_tasks(db.session(), actor, query, now)
            assert len(page.items) == 50, f"{actor.username} saw {len(page.items)} tasks"
            db.session.rollback()

        time_each(max(10, calls // 10), ask)  # warm the caches
        summary = summary_ms(time_each(calls, ask))
        target = label == "case manager, own team"
        outcome.add(f"{label}: p50", summary["p50_ms"], "ms")
        outcome.add(f"{label}: p95", summary["p95_ms"], "ms", f"< {INBOX_TARGET_P95_MS:g} ms",
                    summary["p95_ms"] < INBOX_TARGET_P95_MS)
        statement, params = explain.capture(db.session(), lambda: ask(0), "FROM human_task")  # noqa: B023
        plan = explain.explain(db.session(), statement, params)
        db.session.rollback()
        outcome.details[label] = {"timing": summary, "plan": plan}
        if target:
            outcome.details["plan_summary"] = plan["nodes"]
    return outcome


def _sweep_idle(calls: int, loaded: dict[str, Any]) -> Outcome:
    outcome = Outcome("sweep_idle", details={"rows": loaded})
    engine = get_engine()

    def once(_: int) -> None:
        result = sweep(engine, lambda: db.session())
        assert result.fired == 0 and result.started == 0

    time_each(max(10, calls // 10), once)
    summary = summary_ms(time_each(calls, once))
    outcome.add("sweep, 1M waiting, none due: p50", summary["p50_ms"], "ms")
    outcome.add("sweep, 1M waiting, none due: p95", summary["p95_ms"], "ms", f"< {SWEEP_TARGET_MS:g} ms",
                summary["p95_ms"] < SWEEP_TARGET_MS)
    from engine.queries import claim_next_due

    statement, params = explain.capture(db.session(), lambda: claim_next_due(db.session(), engine.clock.now(), None),
                                        "FROM instance")
    plan = explain.explain(db.session(), statement, params)
    db.session.rollback()
    started = time.perf_counter()
    engine.deliver_outbox()
    outcome.details.update({"timing": summary, "claim_plan": plan,
                            "deliver_outbox_ms": round((time.perf_counter() - started) * 1000, 3)})
    return outcome
