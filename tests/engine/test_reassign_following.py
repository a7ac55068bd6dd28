"""A following reassign: the task's data-bound assignee moves with it, so a later task reading the same
path (the returned closure summary) goes to the new person; the app's hook refuses with nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.access import Actor
from engine.errors import Invalid
from engine.models import Event, HumanTask
from engine.steps import StepContext
from tests.fixtures.pages import SUMMARY, start
from web.extensions import db
from web.wiring import get_engine

TM1 = Actor("tm1", frozenset({"team_manager"}), frozenset({"north"}))
CM2 = Actor("cm2", frozenset({"case_manager"}), frozenset({"north"}))


def _open(instance_id: int) -> HumanTask:
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.state == "open")).one()


def test_the_returned_task_goes_to_the_new_assignee(people: None) -> None:
    instance_id = start()
    summary = _open(instance_id)
    seen: list[str | None] = []

    def follow(ctx: StepContext, row: HumanTask, path: str | None) -> None:
        seen.append(path)

    engine = get_engine()
    assert engine.reassign(summary.id, "cm2", TM1, follow=follow).assignee == "cm2"
    assert seen == ["allocation.case_manager"]
    moved = db.session.scalars(select(Event).where(Event.instance_id == instance_id,
                                                   Event.kind == "task_reassigned")).one()
    assert moved.data == {"from": "cm1", "assignee": "cm2", "path": "allocation.case_manager"}
    engine.complete(summary.id, SUMMARY, CM2)
    engine.complete(_open(instance_id).id, {"decision": "return", "reasons": "More evidence."}, TM1)
    assert _open(instance_id).assignee == "cm2"  # not back to cm1


def test_a_hook_that_refuses_writes_nothing(people: None) -> None:
    instance_id = start()
    summary = _open(instance_id)
    events = db.session.scalar(select(func.count(Event.id)))

    def refuse(ctx: StepContext, row: HumanTask, path: str | None) -> None:
        raise Invalid("Select a case manager of the team", task_id=row.id)

    with pytest.raises(Invalid, match="Select a case manager of the team"):
        get_engine().reassign(summary.id, "cm2", TM1, follow=refuse)
    db.session.expire_all()
    assert _open(instance_id).assignee == "cm1"
    assert db.session.scalar(select(func.count(Event.id))) == events
    assert get_engine().task_data(_open(instance_id))["allocation"]["case_manager"] == "cm1"
