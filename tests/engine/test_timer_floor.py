"""Timer cycles faster than TIMER_CYCLE_FLOOR_S (60 s) are refused, and a sweep starts at most
TIMER_STARTS_PER_SWEEP (20) instances from timer start events.

``R/PT0S`` on a start event used to hang the deploy inside its transaction, with an uncommitted version
row that blocked every later deploy; on a non-interrupting boundary it hung the start request.
"""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy import func, select

from engine.models import DefinitionVersion, Instance
from tests.fixtures.app import Api
from tests.fixtures.timer_models import HEAD, start_cycle
from web.extensions import db


def boundary_cycle(process_id: str, cycle: str) -> bytes:
    return (HEAD.format(id=process_id) + f"""
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="cm" name="case_manager"><bpmn:flowNodeRef>visit</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="visit"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="nudge" attachedToRef="visit" cancelActivity="false"><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition id="nudge_timer"><bpmn:timeCycle>{cycle}</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="nudged"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="visit" />
    <bpmn:sequenceFlow id="f2" sourceRef="visit" targetRef="done" />
    <bpmn:sequenceFlow id="f3" sourceRef="nudge" targetRef="nudged" />
  </bpmn:process>
</bpmn:definitions>""").encode()


def deploy(api: Api, name: str, content: bytes) -> Any:
    return api.post("/api/v1/definitions", as_="owner", data={"files": [(io.BytesIO(content), name)], "note": "test"},
                    content_type="multipart/form-data")


def versions() -> int:
    return int(db.session.scalar(select(func.count()).select_from(DefinitionVersion)) or 0)


def test_a_literal_cycle_under_the_floor_refuses_the_deploy_and_writes_nothing(api: Api) -> None:
    for name, content in (("start.bpmn", start_cycle("zero_start", '"R/PT0S"')),
                          ("boundary.bpmn", boundary_cycle("zero_boundary", '"R/PT0S"')),
                          ("second.bpmn", start_cycle("second_start", '"R/PT59S"'))):
        refused = deploy(api, name, content)
        assert refused.status_code == 422, refused.json
        assert "the shortest allowed is 60 s" in refused.json["error"]["details"][0]["reason"]
        assert refused.json["error"]["details"][0]["element_id"] in ("tick", "nudge")
    assert versions() == 0
    assert deploy(api, "minute.bpmn", start_cycle("minute_start", '"R/PT1M"')).status_code == 201


def test_a_start_cycle_computed_at_deploy_is_judged_when_evaluated_and_nothing_is_written(api: Api) -> None:
    refused = deploy(api, "computed.bpmn", start_cycle("computed_start", '"R/PT" + str(0) + "S"'))
    assert refused.status_code == 422, refused.json
    assert "the shortest allowed is 60 s" in refused.json["error"]["details"][0]["reason"]
    assert versions() == 0
    assert deploy(api, "minute.bpmn", start_cycle("minute_start", '"R/PT1M"')).status_code == 201  # not blocked


def test_a_boundary_cycle_from_data_under_the_floor_is_an_incident_at_start(api: Api) -> None:
    api.user("cm1", "case_manager")
    assert deploy(api, "boundary.bpmn", boundary_cycle("data_boundary", "every")).status_code == 201
    fast = api.post("/api/v1/instances", as_="admin", json={"process_id": "data_boundary", "data": {"every": "R/PT0S"}})
    assert fast.status_code == 201 and fast.json["status"] == "error"
    incident = api.get(f"/api/v1/instances/{fast.json['id']}", as_="admin").json["incident"]
    assert incident["element_id"] == "nudge" and "the shortest allowed is 60 s" in incident["message"]
    slow = api.post("/api/v1/instances", as_="admin", json={"process_id": "data_boundary", "data": {"every": "R/P1D"}})
    assert slow.json["status"] == "active"


def test_a_sweep_starts_at_most_timer_starts_per_sweep_instances(api: Api) -> None:
    assert api.post("/api/v1/clock", as_="admin", json={"set": "2027-01-01T00:00:00+00:00"}).status_code == 200
    every_minute = start_cycle("minute_start", '"R/2027-01-01T00:00:00+00:00/PT1M"')
    assert deploy(api, "minute.bpmn", every_minute).status_code == 201
    assert api.post("/api/v1/clock", as_="admin", json={"advance": "PT1H"}).status_code == 200  # 61 starts due
    assert api.post("/api/v1/timers/sweep", as_="admin").json["started"] == 20
    assert api.post("/api/v1/timers/sweep", as_="admin").json["started"] == 20
    count = db.session.scalar(select(func.count()).select_from(Instance).where(Instance.process_id == "minute_start"))
    assert count == 40
