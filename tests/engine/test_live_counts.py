"""Where live work stands: the ``instance_wait`` rows written with every step, the counts process owners
read from them (``GET /api/v1/definitions/{process_id}/live``), and the backfill from stored states."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy import inspect as sa_inspect

from engine import waits
from engine.access import SYSTEM
from engine.models import InstanceWait
from tests.engine.conformance.conftest import START, Driver
from tests.fixtures.app import BPMN, Api
from web.extensions import db
from web.wiring import get_engine

Counts = dict[tuple[int, str, str], int]


@pytest.fixture
def run(api: Api) -> Driver:
    api.user("cm1", "case_manager")
    assert api.post("/api/v1/clock", as_="admin", json={"set": START}).status_code == 200
    assert api.deploy("waits.bpmn").status_code == 201
    return Driver(api)


def live(api: Api, process_id: str, as_: str = "owner") -> Counts:
    response = api.get(f"/api/v1/definitions/{process_id}/live", as_=as_)
    assert response.status_code == 200, response.json
    assert response.json["process_id"] == process_id
    assert all(set(item) == {"version", "element_id", "kind", "instances"} for item in response.json["items"])
    return {(i["version"], i["element_id"], i["kind"]): i["instances"] for i in response.json["items"]}


def rows(instance_id: int) -> set[tuple[str, str, str]]:
    return {(w.process_id, w.element_id, w.kind)
            for w in db.session.scalars(select(InstanceWait).where(InstanceWait.instance_id == instance_id))}


def start(run: Driver, ref: str, **data: Any) -> int:
    return run.start("waits_main", ref, case_ref=ref, fail=False, **data)


def test_counts_follow_instances_from_user_task_to_timer_message_call_activity_and_end(run: Driver) -> None:
    api = run.api
    first, second, third = (start(run, f"C-{n}") for n in (1, 2, 3))
    assert live(api, "waits_main") == {(1, "review", "user_task"): 3}

    run.complete(first, "review")
    run.complete(second, "review")
    assert live(api, "waits_main") == {(1, "review", "user_task"): 1, (1, "cool_off", "timer"): 2}

    assert run.advance("PT61M")["fired"] == 2
    assert live(api, "waits_main") == {(1, "review", "user_task"): 1, (1, "reply_came", "message"): 2}

    assert run.send("reply", {"case_ref": "C-1"}, answer="yes").json["delivered"] == 1
    assert live(api, "waits_main") == {(1, "review", "user_task"): 1, (1, "reply_came", "message"): 1,
                                       (1, "sign_off", "call_activity"): 1}
    assert live(api, "waits_called") == {(1, "sign", "user_task"): 1}  # the called process's own element
    assert rows(first) == {("waits_main", "sign_off", "call_activity"), ("waits_called", "sign", "user_task")}

    run.complete(first, "sign")
    assert run.status(first) == "completed" and rows(first) == set()
    assert live(api, "waits_main") == {(1, "review", "user_task"): 1, (1, "reply_came", "message"): 1}
    assert live(api, "waits_called") == {}
    assert rows(third) == {("waits_main", "review", "user_task")}


def test_a_wait_that_carries_on_keeps_its_since(run: Driver) -> None:
    instance = start(run, "C-1")
    (before,) = db.session.scalars(select(InstanceWait.since).where(InstanceWait.instance_id == instance))
    db.session.rollback()
    run.advance("PT5M")
    get_engine().advance(instance, SYSTEM)  # a step on the instance that moves nothing
    (after,) = db.session.scalars(select(InstanceWait.since).where(InstanceWait.instance_id == instance))
    assert after == before and before.isoformat().startswith(START[:16])  # not the step 5 minutes on


def test_a_step_leaves_exactly_the_wanted_rows_whatever_the_table_held(run: Driver) -> None:
    instance = start(run, "C-1")
    db.session.execute(delete(InstanceWait).where(InstanceWait.instance_id == instance))
    db.session.add(InstanceWait(instance_id=instance, process_id="waits_main", element_id="gone", kind="timer",
                                version=1, since=get_engine().clock.now()))
    db.session.commit()
    get_engine().advance(instance, SYSTEM)
    assert rows(instance) == {("waits_main", "review", "user_task")}


def test_counts_are_per_version(run: Driver) -> None:
    start(run, "C-1")
    text = (BPMN / "waits.bpmn").read_text().replace('name="Review"', 'name="Look at it"')
    data = {"files": [(io.BytesIO(text.encode()), "waits.bpmn")], "note": "Review renamed"}
    response = run.api.post("/api/v1/definitions", as_="owner", data=data, content_type="multipart/form-data")
    assert response.status_code == 201
    assert {v["process_id"]: v["version"] for v in response.json["versions"]}["waits_main"] == 2
    start(run, "C-2")
    start(run, "C-3")
    assert live(run.api, "waits_main") == {(2, "review", "user_task"): 2, (1, "review", "user_task"): 1}
    items = run.api.get("/api/v1/definitions/waits_main/live", as_="admin").json["items"]
    assert [i["version"] for i in items] == [2, 1]  # newest version first; an administrator may read them too
    # Each version's own page carries its counts.
    for number, waiting in ((1, 1), (2, 2)):
        version = run.api.get(f"/api/v1/definitions/waits_main/versions/{number}", as_="owner").json
        assert version["live"] == [{"version": number, "element_id": "review", "kind": "user_task",
                                    "instances": waiting}]


def test_an_errored_instance_waits_where_it_stopped_and_a_terminated_one_nowhere(run: Driver) -> None:
    failing = run.start("waits_main", "C-9", case_ref="C-9", fail=True)
    run.complete(failing, "review")
    assert run.status(failing) == "error"
    assert rows(failing) == {("waits_main", "check", "incident")}
    assert live(run.api, "waits_main") == {(1, "check", "incident"): 1}

    waiting = start(run, "C-1")
    assert run.api.post(f"/api/v1/instances/{waiting}/terminate", as_="admin").status_code == 200
    assert run.api.post(f"/api/v1/instances/{failing}/terminate", as_="admin").status_code == 200
    assert rows(waiting) == rows(failing) == set()
    assert live(run.api, "waits_main") == {}


def test_only_process_owners_and_administrators_see_counts_and_never_instances(run: Driver) -> None:
    start(run, "C-1")
    response = run.api.get("/api/v1/definitions/waits_main/live", as_="cm1")
    assert response.status_code == 403  # as every definitions read: process owners and administrators only
    assert response.json["error"]["message"] == "only administrators and process owners read the definitions"
    assert "review" not in str(response.json)
    unknown = run.api.get("/api/v1/definitions/no_such_process/live", as_="owner")
    assert unknown.status_code == 404
    assert unknown.json["error"]["message"] == "process 'no_such_process' is not deployed"
    body = run.api.get("/api/v1/definitions/waits_main/live", as_="owner").json
    assert "C-1" not in str(body) and "instance_id" not in str(body)


def test_the_backfill_computes_the_rows_of_running_instances_from_their_state(run: Driver) -> None:
    first, second = start(run, "C-1"), start(run, "C-2")
    run.complete(second, "review")
    failing = run.start("waits_main", "C-9", case_ref="C-9", fail=True)
    run.complete(failing, "review")
    done = start(run, "C-3")
    run.complete(done, "review")
    run.advance("PT61M")
    run.send("reply", {"case_ref": "C-3"})
    run.complete(done, "sign")
    expected = {i: rows(i) for i in (first, second, failing, done)}
    assert expected[done] == set() and expected[second] == {("waits_main", "reply_came", "message")}

    db.session.execute(delete(InstanceWait))
    assert waits.backfill(db.session.connection()) == 3  # one row each for the three live ones
    assert {i: rows(i) for i in expected} == expected
    db.session.rollback()


def test_the_migration_gives_instances_already_running_their_rows(run: Driver) -> None:
    from flask_migrate import downgrade, upgrade

    waiting, failing = start(run, "C-1"), run.start("waits_main", "C-9", case_ref="C-9", fail=True)
    run.complete(failing, "review")
    db.session.remove()
    downgrade(revision="0010_instance_waits-1")  # the table gone, as before the upgrade
    try:
        assert "instance_wait" not in sa_inspect(db.engine).get_table_names()
    finally:
        upgrade(revision="heads")
    assert rows(waiting) == {("waits_main", "review", "user_task")}
    assert rows(failing) == {("waits_main", "check", "incident")}
