"""engine/diagrams.py: where each workflow of an instance is, read from its stored state without
running anything, each element's type from the pinned version, and the task types people filter on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from engine.diagrams import HumanTaskType, clear_cache, human_task_types, progress, version_files
from engine.models import Base, DefinitionVersion, Instance
from engine.spiff import BPMN_NS
from tests.fixtures.app import Api, open_task
from web.extensions import db
from web.wiring import get_engine


@pytest.fixture(autouse=True)
def fresh_versions() -> Iterator[None]:
    """Version ids restart with each emptied database: other tests' parsed files must not be read here."""
    clear_cache()
    yield
    clear_cache()


def _start(api: Api) -> Instance:
    assert api.deploy("nested.bpmn").status_code == 201
    response = api.post("/api/v1/instances", as_="admin", json={"process_id": "outer", "data": {"case": 7}})
    assert response.status_code == 201, response.json
    instance = db.session.get(Instance, response.json["id"])
    assert instance is not None
    return instance


def test_each_workflow_says_where_it_is_and_each_element_what_it_is(api: Api) -> None:
    api.user("cm1", "case_manager")
    instance = _start(api)
    state_before = instance.state

    read = progress(db.session, instance)
    top, sub = read.workflows
    assert (top.id, top.process_id, top.parent_task_id) == ("", "outer", None)
    assert top.current == {"sub"} and {"start", "note"} <= top.completed and top.data["case"] == 7
    assert (sub.process_id, sub.current, sub.ready) == ("sub", {"check"}, {"check"})
    assert "sub_start" in sub.completed and "check" not in sub.completed
    assert sub.parent_task_id == sub.id and any(t.id == sub.id for t in top.tasks)  # run by the subprocess task
    assert top.only([sub.id]).current == {"sub"} and not top.only([]).tasks
    kinds = {key: node.kind for key, node in read.files["outer"].nodes.items()}
    assert (kinds["sub"], kinds["check"], kinds["call"], kinds["note"]) == ("subProcess", "userTask",
                                                                           "callActivity", "scriptTask")
    assert read.files["outer"] is read.files["called"] and read.files["outer"].processes == {
        "outer": "Outer", "called": "Called"}
    assert instance.state == state_before  # read, never restored or run

    task = open_task(api, instance.id)
    assert api.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm1", json={"data": {}}).status_code == 200
    db.session.refresh(instance)
    workflows = progress(db.session, instance).workflows
    top = workflows[0]
    called = next(w for w in workflows if w.process_id == "called")
    assert top.current == {"call"} and "sub" in top.completed
    assert (called.current, called.ready) == ({"sign"}, {"sign"})


def test_the_task_types_are_the_user_and_manual_tasks_of_the_latest_versions(api: Api, ctx: Flask) -> None:
    assert human_task_types(db.session, get_engine().definitions) == []
    assert api.deploy("nested.bpmn", "closure.bpmn").status_code == 201
    types = human_task_types(db.session, get_engine().definitions)
    assert types == sorted(types, key=lambda t: t.name)
    assert set(types) == {HumanTaskType("check", "Check the note", "case_manager"),
                          HumanTaskType("sign", "Sign it", "team_manager"),
                          HumanTaskType("summary", "Write the closure summary", "case_manager"),
                          HumanTaskType("approve", "Approve the closure summary", "team_manager")}


def _database_with_version_one(process_id: str) -> Session:
    """A database of its own whose version 1 holds one process: the same row id, other content."""
    database = create_engine("sqlite://")
    Base.metadata.create_all(database, tables=[DefinitionVersion.__table__])  # type: ignore[list-item]
    session = Session(database)
    xml = (f'<definitions xmlns="{BPMN_NS}"><process id="{process_id}" name="{process_id}">'
           f'<userTask id="{process_id}_task" name="Do it"/></process></definitions>')
    session.add(DefinitionVersion(id=1, version=1, sha256=process_id.ljust(64, "0"), files={"a.bpmn": xml},
                                  deployed_by="test", deployed_at=datetime(2027, 1, 1, tzinfo=UTC)))
    session.commit()
    return session


def test_a_version_id_that_names_other_content_in_another_database_is_parsed_again() -> None:
    # The browser tests' server once drew a case page from another test's files with the same id.
    first, second = _database_with_version_one("first"), _database_with_version_one("second")
    assert list(version_files(first, 1)) == ["first"]
    assert list(version_files(second, 1)) == ["second"]
    assert list(version_files(first, 1)) == ["first"]
