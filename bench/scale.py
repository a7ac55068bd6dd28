"""Scale rows for the inbox and idle-sweep benchmarks, bulk-loaded into the real (migrated) schema.

Everything is generated inside PostgreSQL by ``INSERT ... SELECT ... FROM generate_series(...)``
statements sent through psycopg (multi-row inserts that never leave the server), then
``VACUUM (ANALYZE)`` so the planner has statistics and the visibility map is set, as autovacuum
would leave a live database. Instances are real rows of a really deployed version of review.bpmn,
with a placeholder state (the queries measured here never read it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

GROUPS = ("case_manager", "case_manager", "case_manager", "case_manager", "team_manager", "team_manager",
          "early_help_unit", "parenting_family_team", "tf_team", "tf_coordinator")
TEAMS = 20


@dataclass(frozen=True)
class ScaleSizes:
    instances: int  # all active, each with a timer due 1 to 365 days from now
    open_tasks: int
    completed_tasks: int

    @property
    def tasks(self) -> int:
        return self.open_tasks + self.completed_tasks


def _group_case() -> str:
    whens = " ".join(f"WHEN {i} THEN '{g}'" for i, g in enumerate(GROUPS))
    return f"CASE g.i % {len(GROUPS)} {whens} END"


def _statements(version_id: int, sizes: ScaleSizes) -> list[str]:
    # Task i is open when i % every == 0: open tasks are spread over the whole time range, as in life.
    every = sizes.tasks // sizes.open_tasks
    return [
        f"""INSERT INTO instance (id, version_id, process_id, business_key, status, state, data, lock_version,
                next_timer_due_at, created_at, updated_at)
            SELECT g.i, {version_id}, 'review', 'bench-' || g.i, 'active', '{{}}', '{{}}', 1,
                   now() + interval '1 day' + (g.i % 365) * interval '1 day' + (g.i % 86400) * interval '1 second',
                   now() - interval '400 days', now() - interval '1 day'
            FROM generate_series(1, {sizes.instances}) AS g(i)""",
        f"SELECT setval(pg_get_serial_sequence('instance', 'id'), {sizes.instances})",
        f"""INSERT INTO human_task (id, instance_id, process_id, bpmn_id, name, group_id, team_id, assignee, state,
                form_key, priority, created_at, due_at, ended_at, completed_by, fields)
            SELECT md5(g.i::text)::uuid::text, g.i % {sizes.instances} + 1, 'review',
                   CASE WHEN g.i % 2 = 0 THEN 'do_review' ELSE 'approve' END, 'Review the family',
                   {_group_case()},
                   CASE WHEN g.i % {len(GROUPS)} = 6 THEN NULL ELSE 'team-' || ((g.i / {len(GROUPS)}) % {TEAMS}) END,
                   CASE WHEN g.i % 10 < 3 THEN 'user-' || (g.i % 500) END,
                   CASE WHEN g.i % {every} = 0 THEN 'open' ELSE 'completed' END,
                   CASE WHEN g.i % 2 = 1 THEN 'closure_approval' END, 0,
                   now() - g.i * interval '30 seconds',
                   CASE WHEN g.i % 2 = 0 THEN now() - g.i * interval '30 seconds' + interval '10 days' END,
                   CASE WHEN g.i % {every} <> 0 THEN now() - g.i * interval '20 seconds' END,
                   CASE WHEN g.i % {every} <> 0 THEN 'user-' || (g.i % 500) END,
                   json_build_object('family_ref', 'F-' || lpad((g.i % 400000)::text, 6, '0'),
                                     'district', 'district-' || (g.i % 12))
            FROM generate_series(1, {sizes.tasks}) AS g(i)""",
        """INSERT INTO human_task_field (task_id, name, value)
            SELECT id, 'family_ref', fields->>'family_ref' FROM human_task
            UNION ALL
            SELECT id, 'district', fields->>'district' FROM human_task""",
    ]


def load(url: str, version_id: int, sizes: ScaleSizes) -> dict[str, float]:
    """Load the rows and vacuum-analyze; seconds per phase."""
    timings: dict[str, float] = {}
    engine = create_engine(url)
    started = time.perf_counter()
    with Session(engine) as session:
        for statement in _statements(version_id, sizes):
            session.execute(text(statement))
        session.commit()
    timings["insert_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("instance", "human_task", "human_task_field"):
            connection.execute(text(f"VACUUM (ANALYZE) {table}"))
    timings["vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
    engine.dispose()
    return timings
