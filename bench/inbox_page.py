"""The inbox *page* at scale: server time of ``GET /inbox`` (query, counts, rendering, access log) with
100,000 open tasks in PostgreSQL. Target: p95 under 100 ms.

    .venv/bin/python -m bench.inbox_page [--open 100000] [--calls 200]

Uses its own database (``BENCH_UI_DATABASE_URL``, default .../bench_ui), dropped and migrated afresh.
The page is served in-process by the Flask test client: the time measured is the server's, no network.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench import scale
from bench.db import fresh_postgres, signed_in_client
from bench.stats import summary_ms
from engine.access import Actor
from engine.identity import create_user
from engine.models import DefinitionVersion
from web import create_app
from web.extensions import db
from web.ui.auth.passwords import set_password
from web.wiring import get_engine

BPMN = Path(__file__).resolve().parent.parent / "tests" / "engine" / "bpmn"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_ui"
TARGET_P95_MS = 100.0
PASSWORD = "bench password long enough"
PAGES = {
    "case manager: my tasks": ("cm-bench", "/inbox?tab=mine"),
    "case manager: can pick up": ("cm-bench", "/inbox?tab=available"),
    "case manager: overdue": ("cm-bench", "/inbox?tab=overdue"),
    "case manager: district filter": ("cm-bench", "/inbox?tab=available&district=district-4"),
    "team manager: team tab": ("tm-bench", "/inbox?tab=team"),
    "case manager: oldest first": ("cm-bench", "/inbox?tab=available&sort=oldest"),
}


def _give_work(url: str) -> dict[str, int]:
    """The bulk rows assign every case manager task to someone else: give the bench case manager some
    of their team's tasks, and leave some unclaimed, so every tab has rows to page through."""
    engine = create_engine(url)
    with engine.begin() as connection:
        mine = connection.execute(text(
            "UPDATE human_task SET assignee = 'cm-bench' WHERE state = 'open' AND group_id = 'case_manager' "
            "AND team_id = 'team-4' AND ascii(id) % 3 = 0")).rowcount
        unclaimed = connection.execute(text(
            "UPDATE human_task SET assignee = NULL WHERE state = 'open' AND group_id = 'case_manager' "
            "AND team_id = 'team-4' AND ascii(id) % 3 = 1")).rowcount
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE) human_task"))
    engine.dispose()
    return {"assigned_to_bench_case_manager": mine, "unclaimed_in_their_team": unclaimed}


def run(url: str, open_tasks: int, calls: int) -> dict[str, Any]:
    fresh_postgres(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "CLOCK": "system",
                      "SCHEDULER_ENABLED": False, "SECRET_KEY": "bench-only"})
    results: dict[str, Any] = {"open_tasks": open_tasks, "calls": calls, "pages": {}}
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        engine = get_engine()
        now = engine.clock.now()
        for username, groups in (("cm-bench", ["case_manager"]), ("tm-bench", ["team_manager"])):
            set_password(db.session(), create_user(db.session(), username, groups=groups, teams=["team-4"], now=now),
                         PASSWORD)
        db.session.commit()
        engine.deploy({"review.bpmn": (BPMN / "review.bpmn").read_bytes()}, Actor("bench", frozenset({"admin"})),
                      "Deployed by the benchmark")
        version_id = db.session.query(DefinitionVersion.id).scalar()
        db.session.remove()
        results["load"] = scale.load(url, version_id, scale.ScaleSizes(open_tasks, open_tasks, open_tasks * 3))
        results["people"] = _give_work(url)
        clients = {username: signed_in_client(app, username, PASSWORD) for username in ("cm-bench", "tm-bench")}
        for label, (username, path) in PAGES.items():
            client = clients[username]
            for _ in range(10):  # warm the caches and the connection pool
                client.get(path)
            samples = []
            for _ in range(calls):
                started = time.perf_counter()
                response = client.get(path)
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200
            body = response.get_data(as_text=True)
            summary = summary_ms(samples)
            summary["rows_on_page"] = body.count('class="govuk-table__row"') - 1
            summary["meets_target"] = summary["p95_ms"] < TARGET_P95_MS
            results["pages"][label] = summary
        db.session.remove()
        db.engine.dispose()
    return results


def main() -> int:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=100_000, help="open tasks to load")
    parser.add_argument("--calls", type=int, default=200, help="timed requests per page")
    args = parser.parse_args()
    results = run(os.environ.get("BENCH_UI_DATABASE_URL", DEFAULT_URL), args.open, args.calls)
    print(json.dumps(results, indent=2))
    return 0 if all(page["meets_target"] for page in results["pages"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
