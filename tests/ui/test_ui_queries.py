"""The engine queries the inbox added: claimable tasks, oldest first, bounded counts, reassignment."""

from __future__ import annotations

import pytest
from flask import Flask

from engine import queries
from engine.access import Actor
from engine.errors import Forbidden, Invalid
from tests.fixtures.pages import FAMILY, complete_summary, start
from web.extensions import db
from web.wiring import get_engine

CM1 = Actor("cm1", frozenset({"case_manager"}), frozenset({"north"}))
TM1 = Actor("tm1", frozenset({"team_manager"}), frozenset({"north"}))
TM_SOUTH = Actor("tm9", frozenset({"team_manager"}), frozenset({"south"}))


def _list(actor: Actor, **kw: object) -> list[str]:
    page = queries.list_tasks(db.session(), actor, queries.TaskFilter(**kw), get_engine().clock.now())  # type: ignore[arg-type]
    return [str(t.fields.get("family_ref")) for t in page.items]


def test_claimable_is_unclaimed_and_doable_not_merely_visible(ctx: Flask, people: None) -> None:
    first = start()
    complete_summary(first)  # the approval: unclaimed, team north, team_manager lane
    start(data={**FAMILY, "family_ref": "F-2027-000002"})  # a summary: assigned to cm1
    assert _list(TM1, claimable=True) == ["F-2027-000001"]
    assert _list(CM1, claimable=True) == []  # the approval is not theirs to do, and their summary is claimed
    assert _list(TM_SOUTH, claimable=True) == []
    now = get_engine().clock.now()
    assert queries.count_tasks(db.session(), TM1, queries.TaskFilter(claimable=True), now) == 1
    # tm1 also sees the team's claimed summary, but cannot claim it
    assert sorted(_list(TM1)) == ["F-2027-000001", "F-2027-000002"]


def test_oldest_first_pages_through_everything_once(ctx: Flask, people: None) -> None:
    for n in range(5):
        start(data={**FAMILY, "family_ref": f"F-2027-00001{n}"})
        get_engine().clock.advance("PT1M")  # type: ignore[attr-defined]
    seen: list[str] = []
    cursor = None
    while True:
        page = queries.list_tasks(db.session(), CM1, queries.TaskFilter(limit=2, cursor=cursor, oldest_first=True),
                                  get_engine().clock.now())
        seen += [str(t.fields["family_ref"]) for t in page.items]
        cursor = page.next
        if cursor is None:
            break
    assert seen == [f"F-2027-00001{n}" for n in range(5)]


def test_counts_stop_at_the_cap(ctx: Flask, people: None) -> None:
    for n in range(3):
        start(data={**FAMILY, "family_ref": f"F-2027-00002{n}"})
    now = get_engine().clock.now()
    assert queries.count_tasks(db.session(), CM1, queries.TaskFilter(assignee="cm1"), now, cap=2) == 3  # cap + 1
    assert queries.count_tasks(db.session(), CM1, queries.TaskFilter(assignee="cm1"), now) == 3


def test_reassign_rules(ctx: Flask, people: None) -> None:
    start()
    task_id = queries.list_tasks(db.session(), CM1, queries.TaskFilter(), get_engine().clock.now()).items[0].id
    with pytest.raises(Forbidden):
        get_engine().reassign(task_id, "cm2", CM1)
    with pytest.raises(Invalid):
        get_engine().reassign(task_id, "tm1", TM1)  # a manager cannot be given a case manager's task
    assert get_engine().reassign(task_id, "cm2", TM1).assignee == "cm2"
