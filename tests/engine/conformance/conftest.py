"""The conformance driver: deploys one small model through ``POST /api/v1/definitions`` and drives it
through the public API on the manual clock (complete tasks, send messages, move the clock, sweep),
reading the path it took from the instance's history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine.models import Instance
from tests.fixtures.app import Api
from web.extensions import db

MODELS = Path(__file__).resolve().parent / "bpmn"
START = "2027-03-01T09:00:00+00:00"


class Driver:
    def __init__(self, api: Api) -> None:
        self.api = api

    def deploy(self, *names: str) -> Any:
        data = {"files": [((MODELS / n).open("rb"), n) for n in names], "note": "Deployed by the test"}
        return self.api.post("/api/v1/definitions", as_="owner", data=data, content_type="multipart/form-data")

    def start(self, process_id: str, key: str | None = None, **data: Any) -> int:
        response = self.api.post("/api/v1/instances", as_="admin",
                                 json={"process_id": process_id, "business_key": key, "data": data})
        assert response.status_code == 201, response.json
        return int(response.json["id"])

    def instance(self, instance_id: int) -> dict[str, Any]:
        return dict(self.api.get(f"/api/v1/instances/{instance_id}", as_="admin").json)

    def instances_of(self, process_id: str) -> list[int]:
        return list(db.session.scalars(select(Instance.id).where(Instance.process_id == process_id)
                                       .order_by(Instance.id)))

    def status(self, instance_id: int) -> str:
        return str(self.instance(instance_id)["status"])

    def history(self, instance_id: int) -> list[dict[str, Any]]:
        return list(self.api.get(f"/api/v1/instances/{instance_id}/history", as_="admin").json["items"])

    def path(self, instance_id: int) -> list[str]:
        """The elements that completed, in order (the history's ``task_completed`` events)."""
        return [e["bpmn_id"] for e in self.history(instance_id) if e["kind"] == "task_completed"]

    def cancelled(self, instance_id: int) -> list[str]:
        return [e["bpmn_id"] for e in self.history(instance_id) if e["kind"] == "task_cancelled"]

    def open_tasks(self, instance_id: int) -> list[str]:
        items = self.api.get(f"/api/v1/tasks?instance_id={instance_id}", as_="admin").json["items"]
        return sorted(item["bpmn_id"] for item in items)

    def complete(self, instance_id: int, bpmn_id: str, **data: Any) -> None:
        items = self.api.get(f"/api/v1/tasks?instance_id={instance_id}", as_="admin").json["items"]
        (task,) = [item for item in items if item["bpmn_id"] == bpmn_id][:1]
        response = self.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm1", json={"data": data})
        assert response.status_code == 200, response.json

    def send(self, name: str, correlation: dict[str, Any], **payload: Any) -> Any:
        return self.api.post("/api/v1/messages", as_="admin",
                             json={"name": name, "correlation": correlation, "payload": payload})

    def advance(self, duration: str) -> dict[str, int]:
        """Move the manual clock on and run the timer sweep, as the scheduler would."""
        assert self.api.post("/api/v1/clock", as_="admin", json={"advance": duration}).status_code == 200
        response = self.api.post("/api/v1/timers/sweep", as_="admin")
        assert response.status_code == 200, response.json
        return dict(response.json)


@pytest.fixture
def run(api: Api) -> Driver:
    api.user("cm1", "case_manager")
    assert api.post("/api/v1/clock", as_="admin", json={"set": START}).status_code == 200
    return Driver(api)
