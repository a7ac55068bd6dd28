"""The process owners' definitions pages at scale: server time of the list, a version page, the diff page
and the upload page with 400,000 live instances across three versions of ``case_management`` and
``family_referral`` (the target: under 300 ms each).

    python -m bench --only definitions_pages        # PostgreSQL, 400,000 instances, 20 requests per page
    .venv/bin/python -m bench.definitions_pages [--instances 400000] [--calls 20] [--database-url URL]

Uses its own database (``BENCH_DEFINITIONS_DATABASE_URL``, default .../bench_definitions), dropped and
migrated afresh. The lifecycle BPMN (workflows/bpmn) is deployed, then case_management and family_referral
are published twice more with a changed task name, so each has versions 1 to 3. Every page is timed twice
in the same run: first with no instance (the baseline: parsing, rendering, signing in, the access log),
then after the instances and their ``instance_wait`` rows are bulk-inserted with Core inserts in batches
and the tables vacuum-analyzed. The difference is what the live counts cost. The pages are served
in-process by the Flask test client, signed in as a process owner: the time is the server's.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from bench.db import fresh_postgres, signed_in_client, time_page
from bench.stats import Outcome
from engine.access import Actor
from engine.identity import create_user
from engine.models import Base, ProcessVersion
from web import create_app
from web.council import ensure_groups, ensure_teams
from web.extensions import db
from web.ui.auth.passwords import set_password
from web.wiring import get_engine

LIFECYCLE = Path(__file__).resolve().parent.parent / "workflows" / "bpmn"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_definitions"
TARGET_MS = 300.0
PASSWORD = "bench password long enough"
OWNER = "owner-bench"
VERSIONS = 3
BATCH = 20_000
TABLES = Base.metadata.tables  # Core inserts: no ORM objects for 400,000 rows
# Where the bulk instances wait inside case_management (their referral waits at its call activity).
CASE_STEPS = ("allocate", "assess", "plan", "review", "write_closure")
PAGES = {
    "definitions list": "/admin/definitions",
    "version page (case_management v3)": f"/admin/definitions/case_management/versions/{VERSIONS}",
    "version page (family_referral v3)": f"/admin/definitions/family_referral/versions/{VERSIONS}",
    "diff page (case_management v1 to v3)": f"/admin/definitions/case_management/diff?from=1&to={VERSIONS}",
    "upload page": "/admin/definitions/upload",
}


def _lifecycle(version: int) -> dict[str, bytes]:
    """The lifecycle bundle, with case_management's and family_referral's first task renamed after
    ``version``: publishing it makes a new version of those two processes and of nothing else."""
    files = {path.name: path.read_bytes() for path in sorted(LIFECYCLE.glob("*.bpmn"))}
    if version > 1:
        for name, task in (("case_management.bpmn", b'name="Allocate a case manager"'),
                           ("family_referral.bpmn", b'name="Triage the referral"')):
            assert task in files[name], f"{name} no longer has {task!r}"
            files[name] = files[name].replace(task, task[:-1] + f' (v{version})"'.encode())
    return files


def _deploy() -> dict[int, int]:
    """Publish versions 1..VERSIONS; the bundle id of each family_referral version, by number."""
    engine = get_engine()
    for version in range(1, VERSIONS + 1):
        engine.deploy(_lifecycle(version), Actor("bench", frozenset({"admin"})), f"Bench version {version}")
    bundles = {number: bundle for number, bundle in db.session.execute(
        select(ProcessVersion.number, ProcessVersion.bundle_id).where(ProcessVersion.process_id == "family_referral"))}
    assert sorted(bundles) == list(range(1, VERSIONS + 1)), bundles
    return bundles


def _rows(instances: int, bundles: dict[int, int]) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Batches of (instance rows, wait rows). Instance i pins version i % 3 + 1 of both processes; one in
    five waits at triage in family_referral, the others inside case_management (a user task there, and
    the referral's call activity)."""
    now = datetime.now(UTC)
    for start in range(1, instances + 1, BATCH):
        instance_rows: list[dict[str, Any]] = []
        wait_rows: list[dict[str, Any]] = []
        for i in range(start, min(start + BATCH, instances + 1)):
            version = i % VERSIONS + 1
            since = now - timedelta(minutes=i % 100_000)
            instance_rows.append({
                "id": i, "version_id": bundles[version], "process_id": "family_referral",
                "pins": {"family_referral": version, "case_management": version}, "business_key": f"bench-{i}",
                "status": "active", "state": "{}", "data": {}, "lock_version": 1, "created_at": since,
                "updated_at": since})
            if i % 5 == 0:
                wait_rows.append({"instance_id": i, "process_id": "family_referral", "element_id": "triage_referral",
                                  "kind": "user_task", "version": version, "since": since})
                continue
            wait_rows.append({"instance_id": i, "process_id": "family_referral", "element_id": "case_management",
                              "kind": "call_activity", "version": version, "since": since})
            wait_rows.append({"instance_id": i, "process_id": "case_management",
                              "element_id": CASE_STEPS[i % len(CASE_STEPS)], "kind": "user_task",
                              "version": version, "since": since})
        yield instance_rows, wait_rows


def load(instances: int, bundles: dict[int, int]) -> dict[str, Any]:
    """Bulk-insert the instances and their waits (Core inserts, a batch per statement), then vacuum-analyze
    as autovacuum would leave a live database; the seconds of each phase and the rows written."""
    started = time.perf_counter()
    waits = 0
    with db.engine.begin() as connection:
        for instance_rows, wait_rows in _rows(instances, bundles):
            connection.execute(insert(TABLES["instance"]), instance_rows)
            connection.execute(insert(TABLES["instance_wait"]), wait_rows)
            waits += len(wait_rows)
    loaded = {"instances": instances, "wait_rows": waits, "insert_s": round(time.perf_counter() - started, 1)}
    started = time.perf_counter()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("instance", "instance_wait"):
                connection.execute(text(f"VACUUM (ANALYZE) {table}"))
    loaded["vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
    return loaded



def run(url: str, instances: int, calls: int) -> dict[str, Any]:
    """Deploy, time every page with no instance, load ``instances``, time them again."""
    if url.startswith("postgresql"):
        fresh_postgres(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "CLOCK": "system",
                      "SCHEDULER_ENABLED": False, "SECRET_KEY": "bench-only"})
    results: dict[str, Any] = {"instances": instances, "calls": calls, "baseline": {}, "pages": {}}
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        ensure_groups(db.session())  # the lifecycle's lanes name the council's groups
        ensure_teams(db.session())
        user = create_user(db.session(), OWNER, groups=["process_owner"], now=get_engine().clock.now())
        set_password(db.session(), user, PASSWORD)
        db.session.commit()
        bundles = _deploy()
        db.session.remove()
        client = signed_in_client(app, OWNER, PASSWORD)
        for label, path in PAGES.items():
            results["baseline"][label] = time_page(client, path, calls)[0]
        db.session.remove()  # the requests share this app context: end their session before the load
        results["load"] = load(instances, bundles)
        for label, path in PAGES.items():
            summary, body = time_page(client, path, calls)
            summary["meets_target"] = summary["p95_ms"] < TARGET_MS
            summary["p50_vs_empty"] = round(summary["p50_ms"] / results["baseline"][label]["p50_ms"], 2)
            results["pages"][label] = summary
            if label == "definitions list":
                results["list_page"] = body
        db.session.remove()
        db.engine.dispose()
    return results


def run_definitions_pages(backends: list[str], instances: int, calls: int) -> Outcome:
    """``python -m bench --only definitions_pages``: PostgreSQL only (the target is PostgreSQL's)."""
    outcome = Outcome("definitions_pages")
    if "postgres" not in backends:
        outcome.skipped = "needs PostgreSQL"
        return outcome
    results = run(os.environ.get("BENCH_DEFINITIONS_DATABASE_URL", DEFAULT_URL), instances, calls)
    results.pop("list_page")
    for label, summary in results["pages"].items():
        empty = results["baseline"][label]
        outcome.add(f"{label}: p50 (no instances {empty['p50_ms']:.0f} ms)", summary["p50_ms"], "ms")
        outcome.add(f"{label}: p95", summary["p95_ms"], "ms", f"< {TARGET_MS:.0f} ms", summary["meets_target"])
    outcome.details = results
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=400_000, help="live instances to load")
    parser.add_argument("--calls", type=int, default=20, help="timed requests per page")
    parser.add_argument("--database-url", help="a database to drop and rebuild (default: bench_definitions)")
    args = parser.parse_args()
    url = args.database_url or os.environ.get("BENCH_DEFINITIONS_DATABASE_URL", DEFAULT_URL)
    results = run(url, args.instances, args.calls)
    results.pop("list_page")
    print(json.dumps(results, indent=2))
    return 0 if all(page["meets_target"] for page in results["pages"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
