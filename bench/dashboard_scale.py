"""The dashboard's counting queries with the national programme's size in PostgreSQL: 400,000 families.

    .venv/bin/python -m bench.dashboard_scale [--families 400000] [--calls 20]

Uses its own database (``BENCH_DASHBOARD_DATABASE_URL``, default .../bench_dashboard), dropped and
migrated afresh. Families are bulk-inserted with ``generate_series`` across the seven districts and
every stage; 40% are on the TF register with two headline issues each. Each panel's query
(workflows/read/dashboard.py) is timed as the page runs it, county-wide and for one district.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bench.db import build_app, fresh_postgres
from bench.stats import summary_ms
from web.extensions import db
from workflows.read import dashboard as q

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_dashboard"
DISTRICTS = ("ashfield", "bassetlaw", "broxtowe", "gedling", "mansfield", "newark_and_sherwood", "rushcliffe")

# status, route by i % 10: most families closed, the rest at every stage of the journey.
FAMILIES_SQL = """
INSERT INTO family (ref, status, district, postcode, framework, route, indicators, headline_issues, eligible,
                    created_at)
SELECT 'F-B-' || i,
       (ARRAY['closed','closed','closed','closed','closed','open','open','open','provisional','merged'])[i % 10 + 1],
       (ARRAY[{districts}])[i % 7 + 1],
       'NG1 1AA', 'fop-2017',
       (ARRAY['case_management','case_management','parenting_family_team','signpost_external',
              'no_further_action'])[i % 5 + 1],
       '[]',
       CASE WHEN i % 5 < 2 THEN json_build_array(i % 6 + 1, (i + 2) % 6 + 1) ELSE '[]'::json END,
       i % 5 < 2, now()
FROM generate_series(1, :n) AS i
"""
REGISTER_SQL = """
INSERT INTO tf_register (family_id, added_at, headline_issues, framework)
SELECT id, now(), headline_issues, framework FROM family WHERE eligible
"""
ISSUES_SQL = """
INSERT INTO tf_register_issue (family_id, headline_issue, district)
SELECT DISTINCT f.id, CAST(issue.value AS INTEGER), f.district
FROM tf_register r JOIN family f ON f.id = r.family_id, json_array_elements_text(f.headline_issues) AS issue
"""


def _load(url: str, families: int) -> dict[str, int]:
    engine = create_engine(url)
    districts = ",".join(f"'{d}'" for d in DISTRICTS)
    with engine.begin() as connection:
        connection.execute(text(FAMILIES_SQL.format(districts=districts)), {"n": families})
        registered = connection.execute(text(REGISTER_SQL)).rowcount
        connection.execute(text(ISSUES_SQL))  # what add_to_tf_register writes
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("family", "tf_register", "tf_register_issue"):
            connection.execute(text(f"VACUUM (ANALYZE) {table}"))
    engine.dispose()
    return {"families": families, "on_register": registered}


def _time(session: Session, run: Any, calls: int) -> dict[str, Any]:
    run()  # warm
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
        session.rollback()
    return summary_ms(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=400_000)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DASHBOARD_DATABASE_URL", DEFAULT_URL)
    fresh_postgres(url)
    app = build_app(url)  # migrated to heads
    results: dict[str, Any] = {"calls": args.calls}
    with app.app_context():
        results["load"] = _load(url, args.families)
        session, now = db.session(), datetime.now(UTC)
        panels = {
            "families by stage and district": lambda d: q.families_by_stage(session, d),
            "reviews by team": lambda d: q.reviews_by_team(session, now, d),
            "identified by headline issue": lambda d: q.identified_by_headline(session, d),
            "claims by window": lambda d: q.claims_by_window(session, d),
        }
        results["panels"] = {
            f"{name} ({'county' if district is None else 'one district'})":
                _time(session, lambda run=run, district=district: run(district), args.calls)
            for name, run in panels.items() for district in (None, "mansfield")
        }
        db.session.remove()
        db.engine.dispose()
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
