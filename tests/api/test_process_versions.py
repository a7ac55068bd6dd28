"""Versions per process: a called process published alone reaches new instances (running ones keep their
pins), rollback, publishing the current content again, the change note, and the definitions API."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.diagrams import progress
from engine.errors import Invalid
from engine.models import DefinitionVersion, Instance, ProcessVersion
from tests.fixtures.app import Api, open_task
from tests.fixtures.pages import ADMIN
from web.extensions import db
from web.wiring import get_engine

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d_{pid}"
  targetNamespace="http://example.org/versions">
  <bpmn:process id="{pid}" name="{name}" isExecutable="true">
    <bpmn:laneSet id="ls_{pid}">
      <bpmn:lane id="lane_{pid}" name="case_manager"><bpmn:flowNodeRef>{task}</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start_{pid}"><bpmn:outgoing>f1_{pid}</bpmn:outgoing></bpmn:startEvent>
    {body}
    <bpmn:endEvent id="end_{pid}"><bpmn:incoming>f3_{pid}</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def callee(task: str, name: str) -> bytes:
    """A called process with one user task."""
    body = (f'<bpmn:userTask id="{task}" name="{name}"><bpmn:incoming>f1_callee</bpmn:incoming>'
            '<bpmn:outgoing>f3_callee</bpmn:outgoing></bpmn:userTask>'
            f'<bpmn:sequenceFlow id="f1_callee" sourceRef="start_callee" targetRef="{task}" />'
            f'<bpmn:sequenceFlow id="f3_callee" sourceRef="{task}" targetRef="end_callee" />')
    return DOC.format(pid="callee", name="Called", task=task, body=body).encode()


def caller() -> bytes:
    """A process that calls ``callee`` and then ends."""
    body = ('<bpmn:callActivity id="call" name="Call it" calledElement="callee"><bpmn:incoming>f1_caller'
            '</bpmn:incoming><bpmn:outgoing>f3_caller</bpmn:outgoing></bpmn:callActivity>'
            '<bpmn:sequenceFlow id="f1_caller" sourceRef="start_caller" targetRef="call" />'
            '<bpmn:sequenceFlow id="f3_caller" sourceRef="call" targetRef="end_caller" />')
    return DOC.format(pid="caller", name="Caller", task="call", body=body).encode()


def publish(api: Api, files: dict[str, bytes], note: str | None = "A change", as_: str = "owner") -> Any:
    data: dict[str, Any] = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
    if note is not None:
        data["note"] = note
    return api.post("/api/v1/definitions", as_=as_, data=data, content_type="multipart/form-data")


def start(api: Api, process_id: str) -> int:
    response = api.post("/api/v1/instances", as_="admin", json={"process_id": process_id, "business_key": None,
                                                               "data": {}})
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def drawn(instance_id: int, process_id: str) -> set[str]:
    """The element ids of the diagram drawing ``process_id`` for an instance."""
    instance = db.session.get(Instance, instance_id)
    assert instance is not None
    return set(progress(db.session(), instance).files[process_id].nodes)


def rows(model: type[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_called_process_published_alone_reaches_new_instances_and_running_ones_keep_their_pins(api: Api) -> None:
    first = publish(api, {"caller.bpmn": caller(), "callee.bpmn": callee("step_a", "Step A")}, note="First")
    assert first.status_code == 201, first.json
    running = start(api, "caller")
    assert open_task(api, running)["bpmn_id"] == "step_a"

    alone = publish(api, {"callee.bpmn": callee("step_b", "Step B")}, note="Step B replaces step A")
    assert alone.status_code == 201, alone.json
    assert alone.json["versions"] == [{"process_id": "callee", "version": 2, "sha256": alone.json["versions"][0][
        "sha256"], "created": True}]

    fresh = start(api, "caller")
    assert open_task(api, fresh)["bpmn_id"] == "step_b"  # the caller's own bundle still holds step_a
    # and the case pages draw each instance's called process from its pinned version
    assert "step_b" in drawn(fresh, "callee") and "step_a" in drawn(running, "callee")
    assert api.get(f"/api/v1/instances/{fresh}", as_="admin").json["pins"] == {"callee": 2, "caller": 1}
    shown = api.get(f"/api/v1/instances/{running}", as_="admin").json
    assert (shown["version"], shown["pins"]) == (1, {"callee": 1, "caller": 1})

    get_engine().definitions.clear_cache()  # as after a restart: the pins, not a cache, pick the spec
    task = open_task(api, running)
    assert task["bpmn_id"] == "step_a"
    api.user("cm", "case_manager")
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", as_="cm").status_code == 200
    done = api.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm", json={"data": {}})
    assert done.status_code == 200, done.json
    assert api.get(f"/api/v1/instances/{running}", as_="admin").json["status"] == "completed"


def test_rollback_to_older_content_is_a_new_current_version_that_behaves_as_the_old_one(api: Api) -> None:
    publish(api, {"caller.bpmn": caller(), "callee.bpmn": callee("step_a", "Step A")})
    publish(api, {"callee.bpmn": callee("step_b", "Step B")})
    bundles = rows(DefinitionVersion)
    back = publish(api, {"callee.bpmn": callee("step_a", "Step A")}, note="Step B confused people: back to A")
    assert back.status_code == 201, back.json
    assert back.json["versions"][0]["version"] == 3
    assert rows(DefinitionVersion) == bundles + 1  # the first bundle held caller too: this one is new
    listed = api.get("/api/v1/definitions", as_="owner").json["items"]
    called = next(p for p in listed if p["process_id"] == "callee")
    assert called["current"] == 3
    assert [(v["version"], v["note"]) for v in called["versions"]] == [
        (3, "Step B confused people: back to A"), (2, "A change"), (1, "A change")]
    assert called["versions"][0]["diff_summary"] == "restores version 1; 1 added, 1 removed, 2 changed"
    assert called["versions"][0]["sha256"] == called["versions"][2]["sha256"]
    instance = start(api, "caller")
    assert open_task(api, instance)["bpmn_id"] == "step_a"
    assert api.get(f"/api/v1/instances/{instance}", as_="admin").json["pins"] == {"callee": 3, "caller": 1}


def test_a_whole_bundle_redeployed_rolls_back_reusing_its_stored_files(api: Api) -> None:
    publish(api, {"callee.bpmn": callee("step_a", "Step A")})
    publish(api, {"callee.bpmn": callee("step_b", "Step B")})
    back = publish(api, {"callee.bpmn": callee("step_a", "Step A")}, note="Back")
    assert (back.status_code, back.json["versions"][0]["version"]) == (201, 3)
    assert rows(DefinitionVersion) == 2  # the first bundle's files serve version 3
    detail = api.get("/api/v1/definitions/callee/versions/3", as_="owner").json
    assert (detail["bundle"], detail["current"]) == (1, True)


def test_publishing_the_current_content_again_creates_nothing(api: Api) -> None:
    publish(api, {"caller.bpmn": caller(), "callee.bpmn": callee("step_a", "Step A")})
    before = rows(ProcessVersion), rows(DefinitionVersion)
    again = publish(api, {"caller.bpmn": caller(), "callee.bpmn": callee("step_a", "Step A")}, note="Again")
    assert again.status_code == 200
    assert again.json["created"] is False
    assert [(v["process_id"], v["version"], v["created"]) for v in again.json["versions"]] == [
        ("callee", 1, False), ("caller", 1, False)]
    assert (rows(ProcessVersion), rows(DefinitionVersion)) == before
    # one changed process in a bundle: only it gets a version; the other stays as it was
    half = publish(api, {"caller.bpmn": caller(), "callee.bpmn": callee("step_b", "Step B")})
    assert half.status_code == 201
    assert [(v["process_id"], v["version"], v["created"]) for v in half.json["versions"]] == [
        ("callee", 2, True), ("caller", 1, False)]


@pytest.mark.parametrize("note", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_a_publish_without_a_change_note_is_refused_with_nothing_written(api: Api, note: str | None) -> None:
    response = publish(api, {"callee.bpmn": callee("step_a", "Step A")}, note=note)
    assert response.status_code == 422
    assert response.json["error"]["message"] == "a change note is required: say what changed and why"
    assert response.json["error"]["details"] == {"note": ["Give a change note: what changed and why."]}
    assert (rows(ProcessVersion), rows(DefinitionVersion)) == (0, 0)


def test_the_engine_refuses_a_blank_note_too(api: Api) -> None:
    with pytest.raises(Invalid, match="a change note is required"):
        get_engine().deploy({"callee.bpmn": callee("step_a", "Step A")}, ADMIN, " ")
    db.session.rollback()
    assert (rows(ProcessVersion), rows(DefinitionVersion)) == (0, 0)


def test_a_version_records_who_when_the_note_and_its_files(api: Api) -> None:
    publish(api, {"caller.bpmn": caller(), "callee.bpmn": callee("step_a", "Step A")}, note="First")
    publish(api, {"callee.bpmn": callee("step_a", "Step A renamed")}, note="Clearer name")
    detail = api.get("/api/v1/definitions/callee/versions/2", as_="owner")
    assert detail.status_code == 200, detail.json
    body = detail.json
    assert {k: body[k] for k in ("process_id", "version", "current", "published_by", "note", "diff_summary")} == {
        "process_id": "callee", "version": 2, "current": True, "published_by": "owner", "note": "Clearer name",
        "diff_summary": "0 added, 0 removed, 1 changed"}
    assert body["files"] == [{"name": "callee.bpmn", "bytes": len(callee("step_a", "Step A renamed"))}]
    assert body["live"] == []  # no instance runs it yet: counts only, never which instances
    first = api.get("/api/v1/definitions/callee/versions/1", as_="owner").json
    assert (first["current"], first["diff_summary"], [f["name"] for f in first["files"]]) == (
        False, "first version", ["callee.bpmn", "caller.bpmn"])
    file = api.get("/api/v1/definitions/callee/versions/2/files/callee.bpmn", as_="owner")
    assert file.status_code == 200
    assert file.mimetype == "application/xml"
    assert file.data == callee("step_a", "Step A renamed")
    assert "attachment" in file.headers["Content-Disposition"]


def test_the_definitions_api_is_for_process_owners_and_admins(api: Api) -> None:
    publish(api, {"callee.bpmn": callee("step_a", "Step A")})
    api.user("cm", "case_manager")
    for path in ("/api/v1/definitions", "/api/v1/definitions/callee/versions/1",
                 "/api/v1/definitions/callee/versions/1/files/callee.bpmn"):
        refused = api.get(path, as_="cm")
        assert refused.status_code == 403, path
        assert refused.json["error"]["message"] == "only administrators and process owners read the definitions"
        assert api.get(path, as_="admin").status_code == 200, path
    for path in ("/api/v1/definitions/callee/versions/2", "/api/v1/definitions/nobody/versions/1",
                 "/api/v1/definitions/callee/versions/2147483648",
                 "/api/v1/definitions/callee/versions/2147483648/files/callee.bpmn",
                 "/api/v1/definitions/callee/versions/1/files/other.bpmn"):
        assert api.get(path, as_="owner").status_code == 404, path


def test_instances_from_before_pins_read_their_own_bundle(api: Api) -> None:
    publish(api, {"caller.bpmn": caller(), "callee.bpmn": callee("step_a", "Step A")})
    old = start(api, "caller")
    row = db.session.get(Instance, old)
    assert row is not None
    row.pins = None  # as the migration leaves an instance created before it
    db.session.commit()
    publish(api, {"callee.bpmn": callee("step_b", "Step B")})
    get_engine().definitions.clear_cache()
    assert open_task(api, old)["bpmn_id"] == "step_a"
    assert api.get(f"/api/v1/instances/{old}", as_="admin").json["pins"] == {"caller": 1}
