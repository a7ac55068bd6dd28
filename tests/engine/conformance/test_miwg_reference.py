"""The ten MIWG reference models (copied into miwg/ from the shared interop folder; see its README):
drawn by other tools, none runs as it is. Each refusal names the process, the element, the line and,
in words, what to change; C.9.1, after the edits written down below, deploys and runs to its end."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tests.engine.conformance.conftest import Driver

MIWG = Path(__file__).resolve().parent / "miwg"
NOT_EXECUTABLE = "mark the process to run executable"

# file: (process id, element id, element name, line, words of the reason, words of the fix)
REFUSALS = {
    "A.1.0.bpmn": ("WFP-6-", "WFP-6-", None, 3, "holds no executable process; it holds 'WFP-6-'", NOT_EXECUTABLE),
    "A.2.0.bpmn": ("WFP-6-", "WFP-6-", None, 3, "holds no executable process; it holds 'WFP-6-'", NOT_EXECUTABLE),
    "A.2.1.bpmn": ("_To9ZoTOCEeSknpIVFCxNIQ", "_To9ZoTOCEeSknpIVFCxNIQ", "A.2.1", 3,
                   "it holds '_To9ZoTOCEeSknpIVFCxNIQ' (A.2.1)", NOT_EXECUTABLE),
    "A.3.0.bpmn": ("WFP-6-", "WFP-6-", None, 3, "holds no executable process; it holds 'WFP-6-'", NOT_EXECUTABLE),
    "A.4.0.bpmn": ("WFP-6-1", "WFP-6-1", None, 3, "it holds 'WFP-6-1', 'WFP-6-2'", NOT_EXECUTABLE),
    "C.1.0.bpmn": ("bpmn-miwg-test-case-c.1.0", "archiveInvoice", "Archive\nInvoice", 570,
                   "Service Task must have an operator", "choose one of the registered operations"),
    "C.1.1.bpmn": ("handle-invoice", "sid-14ef3d18-7218-4f57-98f0-bb595114754b", "Financial Accounting System", 4,
                   "Data Store with name Financial Accounting System has no implementation", "remove the data store"),
    "C.3.0.bpmn": ("_8170787a-3207-434d-9bea-4787059f444f", "_cd6f230f-13c3-4027-aa3e-57de601a1ab2",
                   "Perform emergency repair", 244, "Exactly one start event is required",
                   "give the subprocess exactly one plain start event"),
    "C.9.1.bpmn": ("requestDocument_en", "UserTask_CallCustomer", "Call customer", 29,
                   "a user task must sit in a lane", "draw a lane for the group who does the task"),
    "C.9.2.bpmn": ("ManualCheck", "CallActivity_RequestDocument", "Document Request", 110,
                   "multiinstance task must specify a cardinality", "give the multi-instance a loop cardinality"),
}


def upload(run: Driver, name: str, content: bytes) -> Any:
    return run.api.post("/api/v1/definitions", as_="owner", content_type="multipart/form-data",
                        data={"files": [(io.BytesIO(content), name)], "note": "test"})


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_each_reference_model_is_refused_naming_process_element_line_and_the_change(run: Driver, name: str) -> None:
    process_id, element_id, element_name, line, reason, fix = REFUSALS[name]
    response = upload(run, name, (MIWG / name).read_bytes())
    assert response.status_code == 422, response.json
    problem = response.json["error"]["details"][0]
    assert (problem["process_id"], problem["element_id"], problem["element_name"], problem["line"]) == (
        process_id, element_id, element_name, line)
    assert reason in problem["reason"] and fix in problem["fix"]
    for each in response.json["error"]["details"]:  # every problem, not only the first, is placed and has a fix
        assert each["process_id"] and each["element_id"] and each["line"] and each["fix"], each


def test_c_9_1_names_every_edit_it_needs(run: Driver) -> None:
    """Its lane, and its two timers written bare as other tools write them (refused at deploy: this engine
    evaluates a timer as Python, so they would fail only when an instance reached them)."""
    details = upload(run, "C.9.1.bpmn", (MIWG / "C.9.1.bpmn").read_bytes()).json["error"]["details"]
    assert [(p["element_id"], p["element_name"], p["line"], p["fix"]) for p in details] == [
        ("UserTask_CallCustomer", "Call customer", 29,
         "draw a lane for the group who does the task and put the task in it"),
        ("BoundaryEvent_1", "daily", 46, 'write it in quotes: "R6/P1D"'),
        ("BoundaryEvent_2", "1 week", 52, 'write it in quotes: "P7D"'),
    ]
    assert "timer cycle R6/P1D is not in quotes" in details[1]["reason"]
    assert "timer duration P7D is not in quotes" in details[2]["reason"]


def c91_edited() -> bytes:
    """C.9.1 with the edits its deploy errors name (test_c_9_1_names_every_edit_it_needs), as a process
    owner would make them in the modeller:
    1. put 'Call customer' in a lane naming a group (case_manager);
    2. quote the timer expressions, which this engine evaluates as Python ("R6/P1D", "P7D").
    The Camunda/Zeebe extensions stay; the engine ignores them."""
    text = (MIWG / "C.9.1.bpmn").read_text()
    lane = ('<bpmn:laneSet id="c91_lanes"><bpmn:lane id="c91_lane" name="case_manager">'
            "<bpmn:flowNodeRef>UserTask_CallCustomer</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>")
    text = text.replace('camunda:isStartableInTasklist="false">', f'camunda:isStartableInTasklist="false">{lane}', 1)
    return text.replace(">R6/P1D<", '>"R6/P1D"<').replace(">P7D<", '>"P7D"<').encode()


def test_c_9_1_after_its_edits_deploys_and_runs_to_its_end_either_way(run: Driver) -> None:
    assert upload(run, "C.9.1.bpmn", c91_edited()).status_code == 201
    first, second = run.start("requestDocument_en"), run.start("requestDocument_en")
    run.advance("P1DT1M")  # the daily reminder (non-interrupting) for both
    for instance in (first, second):
        assert run.path(instance)[-2:] == ["SendTask_SendReminderEmail", "EndEvent_ReminderSent"]
    assert run.send("MESSAGE_documentReceived", {}).status_code == 409  # two wait: the model has no correlation
    run.advance("P6D")  # a week: the interrupting timer
    for instance in (first, second):
        assert run.open_tasks(instance) == ["UserTask_CallCustomer"]
        run.complete(instance, "UserTask_CallCustomer")
        assert run.path(instance)[-2:] == ["UserTask_CallCustomer", "EndEvent_TalkedToCustomer"]
        assert run.status(instance) == "completed"
    one = run.start("requestDocument_en")
    assert run.send("MESSAGE_documentReceived", {}).json["delivered"] == 1
    assert run.path(one) == ["StartEvent_DocumentRequested", "SendTask_RequestDocument",
                             "ReceiveTask_WaitForDocument", "EndEvent_GotDocument"]
    assert run.status(one) == "completed"
