"""Timers on the manual clock: boundary (interrupting and not), intermediate dates, cycles and timer
starts, month ends, the refresh-and-step loop, and a sweep that one broken instance cannot stop."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.fixtures.app import Api, open_task

START = "2027-01-31T12:00:00+00:00"


@pytest.fixture
def timed(api: Api) -> Api:
    assert api.deploy("timers.bpmn").status_code == 201
    api.user("cm1", "case_manager")
    api.user("tm1", "team_manager")
    assert api.post("/api/v1/clock", as_="admin", json={"set": START}).status_code == 200
    return api


def start(api: Api, **data: Any) -> int:
    base = {"review_every": "P3M", "reminders": 0, "chase_by": "2027-05-07T17:00:00+01:00"}
    response = api.post("/api/v1/instances", as_="admin", json={"process_id": "reviews", "data": {**base, **data}})
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def clock(api: Api, **move: str) -> datetime:
    response = api.post("/api/v1/clock", as_="admin", json=move)
    assert response.status_code == 200, response.json
    return datetime.fromisoformat(response.json["now"])


def sweep(api: Api) -> dict[str, int]:
    response = api.post("/api/v1/timers/sweep", as_="admin")
    assert response.status_code == 200, response.json
    return dict(response.json)


def instance(api: Api, instance_id: int) -> dict[str, Any]:
    return dict(api.get(f"/api/v1/instances/{instance_id}", as_="admin").json)


def reminders_sent(api: Api, instance_id: int) -> int:
    """The reminder runs on its own branch, so its count is read from the history, not the task's data."""
    events = api.get(f"/api/v1/instances/{instance_id}/history", as_="admin").json["items"]
    return sum(1 for e in events if e["kind"] == "task_completed" and e["bpmn_id"] == "remind")


def test_month_end_clamps_for_timers_and_for_the_clock(timed: Api) -> None:
    instance_id = start(timed)
    # The non-interrupting reminder is P1M from 31 January: 28 February, not 3 March.
    assert instance(timed, instance_id)["next_timer_due_at"].startswith("2027-02-28T12:00:00")
    assert clock(timed, advance="P1M").isoformat().startswith("2027-02-28T12:00")
    # The review's due date is its interrupting timer: P3M from 31 January is 30 April.
    assert open_task(timed, instance_id)["due_at"].startswith("2027-04-30T12:00:00")


def test_boundary_timers_fire_once_each_and_interrupt_only_when_told(timed: Api) -> None:
    instance_id = start(timed)
    review_id = open_task(timed, instance_id)["id"]
    assert sweep(timed)["fired"] == 0  # nothing due yet
    clock(timed, set="2027-02-28T12:00:01+00:00")
    assert sweep(timed)["fired"] == 1
    assert reminders_sent(timed, instance_id) == 1
    assert open_task(timed, instance_id)["id"] == review_id  # a reminder does not interrupt
    assert sweep(timed)["fired"] == 0  # and it fires once
    clock(timed, set="2027-04-30T12:00:01+00:00")
    assert sweep(timed)["fired"] == 1
    assert timed.get(f"/api/v1/tasks/{review_id}", as_="admin").json["state"] == "cancelled"
    chase = open_task(timed, instance_id)
    assert (chase["bpmn_id"], chase["group"]) == ("escalate", "team_manager")
    assert chase["due_at"] == "2027-05-07T16:00:00+00:00"  # the due_at expression, in UTC


def test_an_intermediate_date_timer_waits_for_its_moment(timed: Api) -> None:
    instance_id = start(timed)
    review_id = open_task(timed, instance_id)["id"]
    sustain_until = "2027-09-01T00:00:00+01:00"
    timed.post(f"/api/v1/tasks/{review_id}/complete", as_="cm1", json={"data": {"sustain_until": sustain_until}})
    assert instance(timed, instance_id)["next_timer_due_at"] == "2027-08-31T23:00:00+00:00"
    clock(timed, set="2027-08-31T22:59:00+00:00")
    assert sweep(timed)["fired"] == 0
    clock(timed, advance="PT2M")
    assert sweep(timed)["fired"] == 1
    done = instance(timed, instance_id)
    assert done["status"] == "completed" and done["data"]["sustained"] is True


def test_a_timer_already_expired_when_reached_runs_in_the_same_step(timed: Api) -> None:
    instance_id = start(timed)
    review_id = open_task(timed, instance_id)["id"]
    past = "2027-01-01T00:00:00+00:00"  # before now: do_engine_steps alone would leave it READY
    done = timed.post(f"/api/v1/tasks/{review_id}/complete", as_="cm1", json={"data": {"sustain_until": past}})
    assert done.json["instance_status"] == "completed", instance(timed, done.json["instance_id"])["incident"]


def test_a_naive_timer_date_is_an_incident_naming_the_event(timed: Api) -> None:
    instance_id = start(timed)
    review_id = open_task(timed, instance_id)["id"]
    done = timed.post(f"/api/v1/tasks/{review_id}/complete", as_="cm1",
                      json={"data": {"sustain_until": "2027-09-01"}})
    assert done.json["instance_status"] == "error"
    incident = instance(timed, instance_id)["incident"]
    assert incident["element_id"] == "sustain"
    assert "timezone-aware" in incident["message"]


def test_one_broken_instance_never_stops_the_sweep_and_leaves_it_until_retried(timed: Api) -> None:
    broken = start(timed, reminders=None)  # the reminder script cannot add 1 to None
    healthy = [start(timed) for _ in range(3)]
    clock(timed, set="2027-03-01T00:00:00+00:00")
    assert sweep(timed) == {"fired": 3, "failed": 1, "skipped": 0, "started": 0, "outbox_delivered": 0}
    assert instance(timed, broken)["status"] == "error"
    assert [reminders_sent(timed, i) for i in healthy] == [1, 1, 1]
    clock(timed, advance="P1D")
    assert sweep(timed)["failed"] == 0  # the incident left the sweep


def test_a_timer_start_cycle_creates_one_instance_per_cycle(api: Api) -> None:
    from sqlalchemy import select

    from engine.models import Instance
    from web.extensions import db

    def digests() -> list[tuple[str, Any]]:
        rows = db.session.scalars(select(Instance).where(Instance.process_id == "daily_digest").order_by(Instance.id))
        return [(r.status, r.data.get("composed")) for r in rows]

    assert api.deploy("timer_start.bpmn").status_code == 201  # R3/2027-01-01T09:00:00+00:00/P1D
    assert sweep(api)["started"] == 0
    clock(api, set="2027-01-01T09:00:01+00:00")
    assert sweep(api)["started"] == 1
    assert sweep(api)["started"] == 0  # once per cycle
    assert digests() == [("completed", True)]
    for expected in (1, 1, 0):
        clock(api, advance="P1D")
        assert sweep(api)["started"] == expected
    assert digests() == [("completed", True)] * 3
    assert api.deploy("timer_start.bpmn").json["versions"][0]["version"] == 1  # a no-op deploy keeps the schedule


def test_the_clock_never_goes_backwards_and_refuses_bad_moves(timed: Api) -> None:
    back = timed.post("/api/v1/clock", as_="admin", json={"set": "2027-01-01T00:00:00+00:00"})
    assert (back.status_code, back.json["error"]["code"]) == (422, "validation_failed")
    for body in ({"advance": "six months"}, {"set": "2027-05-01T00:00:00"}, {}, {"advance": "P1M", "set": START}):
        response = timed.post("/api/v1/clock", as_="admin", json=body)
        assert response.status_code == 422, (body, response.json)
    assert timed.post("/api/v1/clock", as_="cm1", json={"advance": "P1D"}).status_code == 403
    assert timed.get("/api/v1/clock", as_="cm1").json["now"].startswith("2027-01-31T12:00")
