"""Domain hooks run inside the step's transaction; failures become incidents that keep the last good state."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.identity import ensure_group
from engine.models import Event, Instance, Team
from tests.fixtures.app import Api, open_task
from web.extensions import db


@pytest.fixture
def cm(api: Api) -> Api:
    api.user("cm1", "case_manager")
    return api


def start(api: Api, process_id: str) -> int:
    response = api.post("/api/v1/instances", as_="admin", json={"process_id": process_id, "data": {}})
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def service_down(down: bool) -> None:
    from engine.models import Group

    if down:
        ensure_group(db.session, "note_service_down")
    elif (group := db.session.get(Group, "note_service_down")) is not None:
        db.session.delete(group)
    db.session.commit()


def test_an_operation_that_writes_then_fails_leaves_neither_the_row_nor_the_step(cm: Api) -> None:
    assert cm.deploy("service.bpmn").status_code == 201
    service_down(True)
    instance_id = start(cm, "service_step")
    task = open_task(cm, instance_id, as_="cm1")
    done = cm.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm1", json={"data": {"visit_note": "fail"}})
    assert done.status_code == 200
    assert done.json["instance_status"] == "error"
    assert db.session.get(Team, "note-fail") is None  # the operation's row was rolled back
    instance = cm.get(f"/api/v1/instances/{instance_id}", as_="admin").json
    assert instance["status"] == "error"
    assert instance["incident"]["element_id"] == "write_row"
    assert "the note service is down" in instance["incident"]["message"]
    assert instance["open_tasks"] == []  # the person's completion was kept
    kinds = [e.kind for e in db.session.scalars(select(Event).where(Event.instance_id == instance_id))]
    assert "operation_ran" not in kinds and kinds[-1] == "incident"
    state = json.loads(db.session.get(Instance, instance_id).state)  # type: ignore[union-attr]
    assert "spec" not in state and "subprocess_specs" not in state


def test_an_operation_that_succeeds_commits_its_row_with_the_step(cm: Api) -> None:
    cm.deploy("service.bpmn")
    instance_id = start(cm, "service_step")
    task = open_task(cm, instance_id, as_="cm1")
    done = cm.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm1", json={"data": {"visit_note": "home visit"}})
    assert done.json["instance_status"] == "completed"
    assert db.session.get(Team, "note-home visit") is not None
    data = cm.get(f"/api/v1/instances/{instance_id}", as_="admin").json["data"]
    assert data["note_result"] == {"written": "home visit"}


def test_a_script_error_records_task_message_and_line_and_retry_tries_again(cm: Api) -> None:
    cm.deploy("script_error.bpmn")
    instance_id = start(cm, "divide")
    task = open_task(cm, instance_id, as_="cm1")
    done = cm.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm1",
                   json={"data": {"numerator": 1, "denominator": 0}})
    assert done.json["instance_status"] == "error"
    incident = cm.get(f"/api/v1/instances/{instance_id}", as_="admin").json["incident"]
    assert incident["element_id"] == "divide_numbers"
    assert incident["line"] == 2
    assert "division by zero" in incident["message"]
    blocked = cm.post(f"/api/v1/instances/{instance_id}/retry", as_="cm1")
    assert blocked.status_code in (403, 404)
    retried = cm.post(f"/api/v1/instances/{instance_id}/retry", as_="admin")
    assert retried.status_code == 200
    assert retried.json == {"id": instance_id, "status": "error"}  # same data, same failure, recorded again
    kinds = [e.kind for e in db.session.scalars(select(Event).where(Event.instance_id == instance_id))]
    assert kinds.count("incident") == 2 and "incident_retried" in kinds


def test_retry_carries_on_once_the_cause_is_gone(cm: Api) -> None:
    cm.deploy("service.bpmn")
    service_down(True)
    instance_id = start(cm, "service_step")
    task = open_task(cm, instance_id, as_="cm1")
    cm.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm1", json={"data": {"visit_note": "fail"}})
    assert cm.post(f"/api/v1/instances/{instance_id}/retry", as_="admin").json["status"] == "error"
    assert db.session.get(Team, "note-fail") is None
    service_down(False)
    retried = cm.post(f"/api/v1/instances/{instance_id}/retry", as_="admin")
    assert retried.json == {"id": instance_id, "status": "completed"}
    assert db.session.get(Team, "note-fail") is not None
    instance = cm.get(f"/api/v1/instances/{instance_id}", as_="admin").json
    assert instance["incident"] is None and instance["data"]["note_result"] == {"written": "fail"}


def test_a_script_over_its_time_limit_is_an_incident_and_releases_the_instance(cm: Api) -> None:
    assert cm.deploy("runaway.bpmn").status_code == 201
    instance_id = start(cm, "runaway")
    incident = cm.get(f"/api/v1/instances/{instance_id}", as_="admin").json["incident"]
    assert incident["element_id"] == "spin"
    assert "longer than 0.3 s" in incident["message"]
    assert incident["line"] == 2  # the while loop
    # The step was rolled back and its lock released: an administrator can act on it at once.
    stopped = cm.post(f"/api/v1/instances/{instance_id}/terminate", as_="admin")
    assert stopped.json == {"id": instance_id, "status": "terminated"}


def test_a_loop_that_does_not_end_is_an_incident_not_a_silent_completion(cm: Api) -> None:
    assert cm.deploy("loop.bpmn").status_code == 201
    finite = cm.post("/api/v1/instances", as_="admin", json={"process_id": "loop", "data": {"rounds": 100, "n": 0}})
    assert finite.json["status"] == "completed"
    assert cm.get(f"/api/v1/instances/{finite.json['id']}", as_="admin").json["data"] == {"rounds": 100, "n": 100}
    # SpiffWorkflow stops looking 1000 tasks deep: this one used to end "completed" with data {}.
    endless = cm.post("/api/v1/instances", as_="admin", json={"process_id": "loop", "data": {"rounds": 10**6, "n": 0}})
    assert endless.json["status"] == "error"
    instance = cm.get(f"/api/v1/instances/{endless.json['id']}", as_="admin").json
    assert "went round a loop too many times" in instance["incident"]["message"]
    assert instance["incident"]["element_id"] in ("count", "more")
    assert instance["data"] == {"rounds": 10**6, "n": 0}  # the last good state: before the automatic work

