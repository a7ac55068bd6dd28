"""What the benchmarks run: the test suite's BPMN fixtures, people to do the tasks, started instances."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.access import Actor
from engine.identity import create_user
from engine.runtime import Engine
from web.extensions import db

TEST_BPMN = Path(__file__).resolve().parent.parent / "tests" / "engine" / "bpmn"
BENCH_BPMN = Path(__file__).resolve().parent / "bpmn"
OWNER = Actor("bench-owner", frozenset({"process_owner"}))
ADMIN = Actor("bench-admin", frozenset({"admin"}))
REVIEWER = Actor("cm1", frozenset({"case_manager"}), frozenset({"team-1"}))
REVIEW_DATA: dict[str, Any] = {
    "family_ref": "F-000001",
    "district": "north",
    "allocation": {"case_manager": "cm1", "team": "team-1"},
}


def checkpoint(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The trivial operation tick.bpmn's service task names."""
    return {"instance": ctx.instance.id}


def deploy(engine: Engine, *paths: Path) -> None:
    engine.deploy({p.name: p.read_bytes() for p in paths}, OWNER, "Deployed by the benchmark")


def people(engine: Engine) -> None:
    """The groups review.bpmn's lanes name, and the case manager who does its first task."""
    now = engine.clock.now()
    create_user(db.session(), "cm1", groups=["case_manager"], teams=["team-1"], now=now)
    create_user(db.session(), "tm1", groups=["team_manager"], teams=["team-1"], now=now)
    db.session.commit()


def start_reviews(engine: Engine, count: int) -> list[str]:
    """Start ``count`` review instances; the id of each one's open first task (``do_review``)."""
    from sqlalchemy import select

    from engine.models import HumanTask

    ids = [engine.start("review", f"bench-{i}", REVIEW_DATA, REVIEWER).id for i in range(count)]
    rows = db.session.execute(
        select(HumanTask.instance_id, HumanTask.id).where(HumanTask.instance_id.in_(ids), HumanTask.state == "open")
    ).all()
    db.session.rollback()
    by_instance = {instance_id: task_id for instance_id, task_id in rows}
    return [by_instance[i] for i in ids]
