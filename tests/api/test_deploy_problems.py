"""Every deploy refusal names the file, process, element (id and name) and line, and says in words what
to change: one broken file per check, through ``POST /api/v1/definitions``, with nothing stored."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.models import DefinitionVersion
from tests.fixtures.app import Api
from web.extensions import db

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" '
        'targetNamespace="http://example.org/t">\n')


def bpmn(body: str, *, executable: str = "true", lane: str = "case_manager", lane_refs: str = "work") -> bytes:
    """A process 'p' named 'Checked' (line 3), its lane on line 5, and ``body`` from line 8 on."""
    return (HEAD
            + f'  <bpmn:process id="p" name="Checked" isExecutable="{executable}">\n'
            + '    <bpmn:laneSet id="ls">\n'
            + f'      <bpmn:lane id="lane_a" name="{lane}">'
            + "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in lane_refs.split()) + "</bpmn:lane>\n"
            + "    </bpmn:laneSet>\n"
            + '    <bpmn:startEvent id="start" name="Start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
            + body
            + "\n  </bpmn:process>\n</bpmn:definitions>\n").encode()


def user_task(ext: str = "", element: str = "userTask") -> str:
    return (f'    <bpmn:{element} id="work" name="Do the work">{ext}<bpmn:incoming>f1</bpmn:incoming>'
            f'<bpmn:outgoing>f2</bpmn:outgoing></bpmn:{element}>\n'
            '    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
            '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />\n'
            '    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />')


def props(**values: str) -> str:
    inner = "".join(f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in values.items())
    return (f"<bpmn:extensionElements><spiffworkflow:properties>{inner}</spiffworkflow:properties>"
            "</bpmn:extensionElements>")


GATEWAY = ('    <bpmn:exclusiveGateway id="gw" name="Which way?"><bpmn:incoming>f1</bpmn:incoming>'
           '<bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing></bpmn:exclusiveGateway>\n'
           '    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming><bpmn:incoming>f3</bpmn:incoming>'
           '</bpmn:endEvent>\n'
           '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw" />\n'
           '    <bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="end" />\n'
           '    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end" />')
SCHEMA = ('    <bpmn:task id="work" name="Do the work">\n'
          '      <bpmn:notAnElement/>\n'
          '      <bpmn:incoming>f1</bpmn:incoming></bpmn:task>\n'
          '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />')
SERVICE = ('    <bpmn:serviceTask id="call" name="Call out"><bpmn:incoming>f1</bpmn:incoming>'
           '<bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>\n'
           '    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
           '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />\n'
           '    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />')
UNKNOWN_OPERATION = SERVICE.replace(
    '<bpmn:incoming>f1', '<bpmn:extensionElements><spiffworkflow:serviceTaskOperator id="launch_rockets">'
    '<spiffworkflow:parameters /></spiffworkflow:serviceTaskOperator></bpmn:extensionElements><bpmn:incoming>f1', 1)
SCRIPT = ('    <bpmn:scriptTask id="calc" name="Add up"><bpmn:incoming>f1</bpmn:incoming>'
          '<bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>x = 1\nimport os</bpmn:script></bpmn:scriptTask>\n'
          '    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
          '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calc" />\n'
          '    <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="end" />')
COMPENSATION = (user_task() + '\n'
                '    <bpmn:boundaryEvent id="undo_hook" name="Undo" attachedToRef="work">'
                '<bpmn:compensateEventDefinition id="ced" /></bpmn:boundaryEvent>\n'
                '    <bpmn:task id="undo" name="Undo the work" isForCompensation="true" />\n'
                '    <bpmn:association id="a1" associationDirection="One" sourceRef="undo_hook" targetRef="undo" />')
LINK = ('    <bpmn:intermediateThrowEvent id="jump" name="Jump"><bpmn:incoming>f1</bpmn:incoming>'
        '<bpmn:linkEventDefinition id="jl" name="nowhere" /></bpmn:intermediateThrowEvent>\n'
        '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="jump" />')
DATA_STORE = (HEAD + '  <bpmn:dataStore id="store" name="Ledger" />\n'
              '  <bpmn:process id="p" name="Checked" isExecutable="true">\n'
              '    <bpmn:startEvent id="start" />\n'
              '  </bpmn:process>\n</bpmn:definitions>\n').encode()

# (files, file, process, element id, element name, line, words in the reason, words in the fix)
CHECKS = [
    pytest.param({"notes.txt": b"x"}, "notes.txt", None, None, None, None, "only .bpmn and .dmn", ".bpmn and .dmn",
                 id="wrong-suffix"),
    pytest.param({"bad.bpmn": HEAD.encode() + b"  <bpmn:process id='p'>\n  <oops>\n</bpmn:definitions>"},
                 "bad.bpmn", None, None, None, 5, "XML does not parse", "fix the XML", id="xml-syntax"),
    pytest.param({"schema.bpmn": bpmn(SCHEMA)}, "schema.bpmn", "p", "work", "Do the work", 9,
                 "bpmn:notAnElement': This element is not expected", "schema allows", id="xml-schema"),
    pytest.param({"gw.bpmn": bpmn(GATEWAY)}, "gw.bpmn", "p", "f2", None, 11, "without condition",
                 "default flow", id="spiff-parser-check"),
    pytest.param({"svc.bpmn": bpmn(SERVICE)}, "svc.bpmn", "p", "call", "Call out", 8,
                 "Service Task must have an operator", "registered operations", id="service-without-operator"),
    pytest.param({"store.bpmn": DATA_STORE}, "store.bpmn", "p", "store", "Ledger", 3, "has no implementation",
                 "remove the data store", id="data-store"),
    pytest.param({"lane.bpmn": bpmn(user_task(), lane="social_workers")}, "lane.bpmn", "p", "lane_a",
                 "social_workers", 5, "does not name a known group", "rename the lane", id="unknown-lane"),
    pytest.param({"nolane.bpmn": bpmn(user_task(), lane_refs="start")}, "nolane.bpmn", "p", "work", "Do the work",
                 8, "must sit in a lane", "draw a lane", id="user-task-outside-lane"),
    pytest.param({"form.bpmn": bpmn(user_task(props(form="no_such_form")))}, "form.bpmn", "p", "work",
                 "Do the work", 8, "form 'no_such_form' is not in the forms registry", "forms registry",
                 id="unknown-form"),
    pytest.param({"op.bpmn": bpmn(UNKNOWN_OPERATION)}, "op.bpmn", "p", "call", "Call out", 8,
                 "operation 'launch_rockets' is not registered", "registered service task operations",
                 id="unknown-operation"),
    pytest.param({"script.bpmn": bpmn(SCRIPT)}, "script.bpmn", "p", "calc", "Add up", 2, "script",
                 None, id="script-policy"),  # a script's line is the line in the script
    pytest.param({"comp.bpmn": bpmn(COMPENSATION)}, "comp.bpmn", "p", "undo_hook", "Undo", 12,
                 "compensation is not supported", "draw the undo steps as ordinary tasks", id="compensation"),
    pytest.param({"link.bpmn": bpmn(LINK)}, "link.bpmn", "p", "jump", "Jump", 8,
                 "link throw 'nowhere' has no link catch", "add an intermediate link catch event named 'nowhere'",
                 id="unmatched-link"),
    pytest.param({"idle.bpmn": bpmn(user_task(), executable="false")}, "idle.bpmn", "p", "p", "Checked", 3,
                 "no executable process; it holds 'p' (Checked)", 'isExecutable="true"', id="not-executable"),
]


def upload(api: Api, files: dict[str, bytes]) -> Any:
    data = {"files": [(io.BytesIO(content), name) for name, content in files.items()], "note": "test"}
    return api.post("/api/v1/definitions", as_="owner", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize(("files", "file", "process_id", "element_id", "element_name", "line", "reason", "fix"),
                         CHECKS)
def test_every_refusal_names_process_element_line_and_what_to_change(
    api: Api, files: dict[str, bytes], file: str, process_id: str | None, element_id: str | None,
    element_name: str | None, line: int | None, reason: str, fix: str | None,
) -> None:
    response = upload(api, files)
    assert response.status_code == 422, response.json
    problem = response.json["error"]["details"][0]
    assert (problem["file"], problem["process_id"], problem["element_id"], problem["element_name"],
            problem["line"]) == (file, process_id, element_id, element_name, line), problem
    assert reason in problem["reason"]
    if fix is not None:
        assert fix in problem["fix"]
    assert db.session.scalar(select(func.count()).select_from(DefinitionVersion)) == 0


def test_a_bundle_with_no_executable_process_lists_every_process(api: Api) -> None:
    other = bpmn(user_task(), executable="false").replace(b'id="p" name="Checked"', b'id="q" name="Other"')
    response = upload(api, {"one.bpmn": bpmn(user_task(), executable="false"), "two.bpmn": other})
    problems = response.json["error"]["details"]
    assert [(p["file"], p["process_id"]) for p in problems] == [("one.bpmn", "p"), ("two.bpmn", "q")]
    assert all("it holds 'p' (Checked), 'q' (Other)" in p["reason"] for p in problems)


def test_compensation_is_refused_before_the_parser_fails_on_it(api: Api) -> None:
    """SpiffWorkflow's own refusal was a raw NotImplementedError('Unsupported Catch Event', b'<bpmn:...')."""
    response = upload(api, {"comp.bpmn": bpmn(COMPENSATION)})
    reasons = [p["reason"] for p in response.json["error"]["details"]]
    assert [p["element_id"] for p in response.json["error"]["details"]] == ["undo_hook", "undo"]
    assert not any("NotImplementedError" in r or "Unsupported" in r for r in reasons)
