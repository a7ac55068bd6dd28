"""engine.access.may_release: who may put a claimed task back in its lane (the inbox shows the same rule)."""

from __future__ import annotations

from engine.access import Actor, may_release
from engine.models import HumanTask


def _task(assignee: str | None, team: str | None = "north") -> HumanTask:
    return HumanTask(id="t1", group_id="case_manager", team_id=team, assignee=assignee)


def test_the_assignee_an_admin_and_the_team_manager_may_release() -> None:
    assert may_release(Actor("cm1", frozenset({"case_manager"}), frozenset({"north"})), _task("cm1"))
    assert may_release(Actor("ada", frozenset({"admin"})), _task("cm1"))
    assert may_release(Actor("tm1", frozenset({"team_manager"}), frozenset({"north"})), _task("cm1"))


def test_anyone_else_or_an_unclaimed_task_may_not() -> None:
    assert not may_release(Actor("cm2", frozenset({"case_manager"}), frozenset({"north"})), _task("cm1"))
    assert not may_release(Actor("tm2", frozenset({"team_manager"}), frozenset({"south"})), _task("cm1"))
    assert not may_release(Actor("tm1", frozenset({"team_manager"}), frozenset({"north"})), _task("cm1", team=None))
    assert not may_release(Actor("ada", frozenset({"admin"})), _task(None))
