"""Correlated messages: one match delivered, two a conflict, none kept (or not), early arrivals,
boundary events, message starts, and thrown messages through the outbox."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from engine.models import BufferedMessage, Instance, OutboxMessage
from tests.fixtures.app import Api, open_task
from web.extensions import db


@pytest.fixture
def msgs(api: Api) -> Api:
    assert api.deploy("messages.bpmn").status_code == 201
    api.user("cm1", "case_manager")
    api.user("ehu", "early_help_unit")
    return api


def start(api: Api, process_id: str, case_ref: str, **data: Any) -> int:
    response = api.post("/api/v1/instances", as_="admin",
                        json={"process_id": process_id, "business_key": case_ref,
                              "data": {"case_ref": case_ref, **data}})
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def send(api: Api, name: str, case_ref: str, as_: str = "cm1", **payload: Any) -> Any:
    return api.post("/api/v1/messages", as_=as_, json={
        "name": name, "correlation": {"case_ref": case_ref}, "payload": payload})  # no need to repeat it


def instance(api: Api, instance_id: int) -> dict[str, Any]:
    return dict(api.get(f"/api/v1/instances/{instance_id}", as_="admin").json)


def test_one_waiting_instance_gets_the_message_and_its_payload(msgs: Api) -> None:
    waiting = start(msgs, "waiter", "F-2027-000001")
    other = start(msgs, "waiter", "F-2027-000002")
    response = send(msgs, "news", "F-2027-000001", headline="school place found")
    assert (response.status_code, response.json["delivered"]) == (200, 1)
    assert instance(msgs, waiting)["data"]["news"]["headline"] == "school place found"
    assert open_task(msgs, waiting)["bpmn_id"] == "read_news"
    assert instance(msgs, other)["open_tasks"] == []  # the other family still waits


def test_two_matching_instances_are_a_conflict_and_nothing_is_delivered(msgs: Api) -> None:
    first, second = start(msgs, "waiter", "F-2027-000001"), start(msgs, "waiter", "F-2027-000001")
    response = send(msgs, "news", "F-2027-000001")
    assert (response.status_code, response.json["error"]["code"]) == (409, "ambiguous_message")
    assert instance(msgs, first)["open_tasks"] == [] and instance(msgs, second)["open_tasks"] == []


def test_a_kept_message_waits_for_its_instance_and_is_delivered_once(msgs: Api) -> None:
    early = send(msgs, "news", "F-2027-000003", headline="early")
    assert early.status_code == 202
    assert early.json["delivered"] == 0 and early.json["kept_until"] is not None
    first = start(msgs, "waiter", "F-2027-000003")
    assert instance(msgs, first)["data"]["news"]["headline"] == "early"
    second = start(msgs, "waiter", "F-2027-000003")
    assert "news" not in instance(msgs, second)["data"]  # delivered once, to the first that waited
    assert open_task(msgs, first)["bpmn_id"] == "read_news"


def test_a_kept_message_expires(msgs: Api) -> None:
    send(msgs, "news", "F-2027-000004", headline="stale")
    moved = msgs.post("/api/v1/clock", as_="admin", json={"advance": "P11D"})
    assert moved.status_code == 200, moved.json
    late = start(msgs, "waiter", "F-2027-000004")
    assert "news" not in instance(msgs, late)["data"]
    assert db.session.scalar(select(BufferedMessage.delivered_at)) is None


def test_a_message_that_is_not_kept_is_answered_202_delivered_0(msgs: Api) -> None:
    response = send(msgs, "alert", "F-2027-000005")
    assert (response.status_code, response.json) == (202, {"delivered": 0, "kept_until": None})
    assert db.session.scalar(select(func.count()).select_from(BufferedMessage)) == 0


def test_an_interrupting_boundary_message_cancels_the_task(msgs: Api) -> None:
    waiting = start(msgs, "waiter", "F-2027-000006")
    send(msgs, "news", "F-2027-000006")
    task_id = open_task(msgs, waiting)["id"]
    assert send(msgs, "alert", "F-2027-000006").json["delivered"] == 1
    assert msgs.get(f"/api/v1/tasks/{task_id}", as_="admin").json["state"] == "cancelled"
    assert instance(msgs, waiting)["status"] == "completed"


def test_only_the_named_senders_and_admin_may_send(msgs: Api) -> None:
    start(msgs, "waiter", "F-2027-000007")
    refused = send(msgs, "news", "F-2027-000007", as_="ehu")
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "forbidden")
    assert send(msgs, "news", "F-2027-000007", as_="admin").json["delivered"] == 1
    unknown = send(msgs, "no_such_message", "F-2027-000007")
    assert (unknown.status_code, unknown.json["error"]["code"]) == (404, "not_found")


def test_a_message_start_event_creates_an_instance(msgs: Api) -> None:
    response = send(msgs, "hello", "F-2027-000008", as_="admin", greeting="hi")
    assert response.json.get("delivered") == 1, response.json
    created = db.session.scalar(select(Instance).where(Instance.process_id == "greeter"))
    assert created is not None and created.business_key == "F-2027-000008"
    assert open_task(msgs, created.id)["bpmn_id"] == "greet"
    assert instance(msgs, created.id)["data"]["hello"]["greeting"] == "hi"


def test_a_thrown_message_goes_through_the_outbox_to_its_instance(msgs: Api) -> None:
    waiting = start(msgs, "waiter", "F-2027-000009")
    thrower = start(msgs, "thrower", "F-2027-000009", headline="from another process")
    assert instance(msgs, thrower)["status"] == "completed"
    row = db.session.scalar(select(OutboxMessage))
    assert row is not None and row.delivered_at is not None and row.source_instance_id == thrower
    assert row.outcome == f"delivered to instance {waiting}"
    assert instance(msgs, waiting)["data"]["news"]["headline"] == "from another process"


def test_a_thrown_message_with_no_receiver_is_kept_for_the_first_that_waits(msgs: Api) -> None:
    start(msgs, "thrower", "F-2027-000010", headline="ahead of time")
    row = db.session.scalar(select(OutboxMessage))
    assert row is not None and row.outcome == "kept until an instance waits for it"
    late = start(msgs, "waiter", "F-2027-000010")
    assert instance(msgs, late)["data"]["news"]["headline"] == "ahead of time"


def test_a_non_interrupting_event_subprocess_runs_beside_the_waiting_flow(msgs: Api) -> None:
    waiting = start(msgs, "waiter", "F-2027-000011")
    assert send(msgs, "escalation", "F-2027-000011", reason="police report").json["delivered"] == 1
    events = msgs.get(f"/api/v1/instances/{waiting}/history", as_="admin").json["items"]
    assert any(e["kind"] == "task_completed" and e["bpmn_id"] == "note_escalation" for e in events)
    assert instance(msgs, waiting)["status"] == "active"
    assert send(msgs, "news", "F-2027-000011").json["delivered"] == 1  # still waiting for its news
    assert open_task(msgs, waiting)["bpmn_id"] == "read_news"


def test_a_non_interrupting_boundary_message_leaves_the_task_open(msgs: Api) -> None:
    waiting = start(msgs, "waiter", "F-2027-000012")
    send(msgs, "news", "F-2027-000012")
    task_id = open_task(msgs, waiting)["id"]
    assert send(msgs, "note", "F-2027-000012", text="school called").json["delivered"] == 1
    assert open_task(msgs, waiting)["id"] == task_id  # still open
    events = msgs.get(f"/api/v1/instances/{waiting}/history", as_="admin").json["items"]
    assert any(e["kind"] == "task_completed" and e["bpmn_id"] == "file_note" for e in events)
    # SpiffWorkflow arms a non-interrupting boundary event once per activation of the task.
    assert send(msgs, "note", "F-2027-000012").status_code == 202
