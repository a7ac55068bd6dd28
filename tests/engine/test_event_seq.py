"""Every event of an instance is numbered 1, 2, 3... without gaps, even when a step rolls back."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Event
from tests.engine.test_incidents import service_down, start
from tests.fixtures.app import Api, open_task
from web.extensions import db


def seqs(instance_id: int) -> list[int]:
    return list(db.session.scalars(select(Event.seq).where(Event.instance_id == instance_id).order_by(Event.id)))


def test_events_are_numbered_without_gaps_across_claims_and_a_step_that_rolls_back(api: Api) -> None:
    api.user("cm1", "case_manager")
    assert api.deploy("service.bpmn").status_code == 201
    service_down(True)
    instance_id = start(api, "service_step")
    task = open_task(api, instance_id, as_="cm1")
    for _ in range(3):
        assert api.post(f"/api/v1/tasks/{task['id']}/claim", as_="cm1").status_code == 200
        assert api.post(f"/api/v1/tasks/{task['id']}/unclaim", as_="cm1").status_code == 200
    # The first transaction numbers the completion, then the operation fails and it rolls back; the second
    # keeps the completion with the incident, numbered from where the history really ends.
    done = api.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm1", json={"data": {"visit_note": "fail"}})
    assert done.json["instance_status"] == "error"
    service_down(False)
    assert api.post(f"/api/v1/instances/{instance_id}/retry", as_="admin").json["status"] == "completed"
    numbers = seqs(instance_id)
    assert len(numbers) > 10
    assert numbers == list(range(1, len(numbers) + 1))
    kinds = list(db.session.scalars(select(Event.kind).where(Event.instance_id == instance_id).order_by(Event.seq)))
    assert kinds.count("task_claimed") == 3 and "incident" in kinds and kinds[-1] == "instance_completed"


def test_each_instance_has_its_own_numbers(api: Api) -> None:
    api.user("cm1", "case_manager")
    api.deploy("service.bpmn")
    first, second = start(api, "service_step"), start(api, "service_step")
    assert seqs(first)[:2] == [1, 2] and seqs(second)[:2] == [1, 2]
