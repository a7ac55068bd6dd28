"""Deploying bundles: versions, sha256, idempotence, and every refusal with nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from engine.models import DefinitionProcess, DefinitionVersion
from tests.fixtures.app import BPMN, Api
from web.extensions import db

LANE_DOC = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://example.org/t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="lane_a" name="{lane}"><bpmn:flowNodeRef>work</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    {task}
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{first}" />
    {extra}
  </bpmn:process>
</bpmn:definitions>"""

USER_TASK = """<bpmn:userTask id="work" name="Work">{ext}
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />"""


def document(lane: str = "case_manager", ext: str = "", task: str | None = None, first: str = "work",
             extra: str = "") -> bytes:
    body = task if task is not None else USER_TASK.format(ext=ext)
    return LANE_DOC.format(lane=lane, task=body, first=first, extra=extra).encode()


def upload(api: Api, files: dict[str, bytes], as_: str = "owner", note: str = "A change") -> Any:
    import io

    data = {"files": [(io.BytesIO(content), name) for name, content in files.items()], "note": note}
    return api.post("/api/v1/definitions", as_=as_, data=data, content_type="multipart/form-data")


def stored_versions() -> int:
    return db.session.scalar(select(func.count()).select_from(DefinitionVersion)) or 0


def test_deploy_stores_a_numbered_version_with_its_sha256(api: Api) -> None:
    response = api.deploy("review.bpmn")
    assert response.status_code == 201, response.json
    (version,) = response.json["versions"]
    assert version["process_id"] == "review"
    assert version["version"] == 1
    assert len(version["sha256"]) == 64
    process = db.session.scalar(select(DefinitionProcess))
    assert process is not None and process.inbox_fields == ["family_ref", "district"]
    assert process.properties["starters"] == "case_manager"


def test_identical_content_again_is_a_no_op_returning_the_existing_version(api: Api) -> None:
    first = api.deploy("review.bpmn").json
    assert first["created"] is True and first["versions"][0]["created"] is True
    again = api.deploy("review.bpmn")
    assert again.status_code == 200
    assert again.json == {"created": False, "versions": [{**first["versions"][0], "created": False}]}
    assert stored_versions() == 1
    changed = upload(api, {"review.bpmn": (BPMN / "review.bpmn").read_bytes().replace(b"Review a case", b"Review")})
    assert changed.status_code == 201
    assert changed.json["versions"][0]["version"] == 2
    (listed,) = api.get("/api/v1/definitions", as_="owner").json["items"]
    assert (listed["process_id"], listed["current"]) == ("review", 2)
    assert [v["version"] for v in listed["versions"]] == [2, 1]


def test_a_bundle_with_two_files_is_one_version(api: Api) -> None:
    response = api.deploy("review.bpmn", "script_error.bpmn")
    assert response.status_code == 201
    assert sorted((v["process_id"], v["version"]) for v in response.json["versions"]) == [
        ("divide", 1), ("review", 1)]


REFUSALS = [
    pytest.param({"bad.bpmn": b"<bpmn:definitions><unclosed>"}, "bad.bpmn", None, "XML does not parse", id="bad-xml"),
    pytest.param({"notes.txt": b"hello"}, "notes.txt", None, "only .bpmn and .dmn", id="wrong-suffix"),
    pytest.param({"lane.bpmn": document(lane="social_workers")}, "lane.bpmn", "lane_a",
                 "lane 'social_workers' does not name a known group", id="unknown-lane"),
    pytest.param({"nolane.bpmn": document(task='<bpmn:userTask id="loose" name="Loose"><bpmn:incoming>f1'
                                               '</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>'
                                               '<bpmn:sequenceFlow id="f2" sourceRef="loose" targetRef="end" />',
                                          first="loose")},
                 "nolane.bpmn", "loose", "a user task must sit in a lane", id="user-task-outside-lane"),
    pytest.param({"form.bpmn": document(ext='<bpmn:extensionElements><spiffworkflow:properties>'
                                            '<spiffworkflow:property name="form" value="no_such_form"/>'
                                            '</spiffworkflow:properties></bpmn:extensionElements>')},
                 "form.bpmn", "work", "form 'no_such_form' is not in the forms registry", id="unknown-form"),
    pytest.param({"op.bpmn": document(task='<bpmn:serviceTask id="call"><bpmn:extensionElements>'
                                           '<spiffworkflow:serviceTaskOperator id="launch_rockets">'
                                           '<spiffworkflow:parameters /></spiffworkflow:serviceTaskOperator>'
                                           '</bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming>'
                                           '<bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>'
                                           '<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />',
                                      first="call")},
                 "op.bpmn", "call", "service task operation 'launch_rockets' is not registered", id="unknown-op"),
    pytest.param({"gw.bpmn": document(task='<bpmn:exclusiveGateway id="gw"><bpmn:incoming>f1</bpmn:incoming>'
                                           '<bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing>'
                                           '</bpmn:exclusiveGateway>'
                                           '<bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="end" />'
                                           '<bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end" />',
                                      first="gw")},
                 "gw.bpmn", None, "without condition", id="parser-rejects"),
]


@pytest.mark.parametrize(("files", "file", "element_id", "reason"), REFUSALS)
def test_refused_bundles_name_file_element_and_reason_and_store_nothing(
    api: Api, files: dict[str, bytes], file: str, element_id: str | None, reason: str
) -> None:
    response = upload(api, files)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "deploy_refused"
    problem = error["details"][0]
    assert problem["file"] == file
    if element_id is not None:
        assert problem["element_id"] == element_id
    assert reason in problem["reason"]
    assert stored_versions() == 0


def test_one_bad_file_refuses_the_whole_bundle(api: Api) -> None:
    response = upload(api, {"review.bpmn": (BPMN / "review.bpmn").read_bytes(), "lane.bpmn": document(lane="x")})
    assert response.status_code == 422
    assert stored_versions() == 0


def test_deploy_needs_a_token_a_deployer_and_multipart(api: Api) -> None:
    api.user("cm", "case_manager")
    assert api.deploy("review.bpmn", as_="cm").status_code == 403
    no_token = api.client.post("/api/v1/definitions")
    assert no_token.status_code == 401
    assert no_token.json["error"]["code"] == "unauthorized"
    not_multipart = api.post("/api/v1/definitions", as_="owner", json={"files": []})
    assert not_multipart.status_code == 400
    assert not_multipart.json["error"]["code"] == "malformed_request"
    assert stored_versions() == 0


SCRIPT_TASK = ('<bpmn:scriptTask id="calc">{ext}<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
               '<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
               '<bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="end" />')
TIMER = ('<bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
         '<bpmn:timerEventDefinition id="t"><bpmn:timeDuration>{expr}</bpmn:timeDuration></bpmn:timerEventDefinition>'
         '</bpmn:intermediateCatchEvent><bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />')
GATEWAY = ('<bpmn:exclusiveGateway id="gw" default="f3"><bpmn:incoming>f1</bpmn:incoming>'
           '<bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing></bpmn:exclusiveGateway>'
           '<bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="end"><bpmn:conditionExpression>{expr}'
           '</bpmn:conditionExpression></bpmn:sequenceFlow>'
           '<bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end" />')
PROPS = ('<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="{name}" value="{value}"/>'
         '</spiffworkflow:properties></bpmn:extensionElements>')

SCRIPT_REFUSALS = [
    pytest.param(document(task=SCRIPT_TASK.format(ext="", script="x = 1\nimport os"), first="calc"), "calc", 9,
                 "script (line 2 of the script): import statements", id="import-in-script"),
    pytest.param(document(task=SCRIPT_TASK.format(ext="", script="y = ().__class__.__base__"), first="calc"),
                 "calc", 9, "script", id="dunder-in-script"),
    pytest.param(document(task=TIMER.format(expr="__import__('os').getcwd()"), first="wait"), "wait", 9,
                 "timer expression", id="timer-expression"),
    # a condition is the flow's (the parser hands it to the gateway)
    pytest.param(document(task=GATEWAY.format(expr="x.__class__ == 'y'"), first="gw"), "f2", 9,
                 "condition", id="dunder-in-condition"),
    pytest.param(document(ext=PROPS.format(name="due_at", value="x._secret")), "work", 9, "due_at",
                 id="due-at-expression"),
    pytest.param(document(task=SCRIPT_TASK.format(
        ext="<bpmn:extensionElements><spiffworkflow:preScript>a = 1</spiffworkflow:preScript>"
            "</bpmn:extensionElements>", script="b = 2"), first="calc"),
        "calc", 9, "preScript on a script task is ignored", id="prescript-on-script-task"),
]


@pytest.mark.parametrize(("content", "element_id", "line", "reason"), SCRIPT_REFUSALS)
def test_deploy_compiles_every_expression_under_the_sandbox_policy(
    api: Api, content: bytes, element_id: str, line: int, reason: str
) -> None:
    """The line is the file's, where the code sits (the task is on line 9), never the line within the
    script, which the reason tells."""
    response = upload(api, {"scripts.bpmn": content})
    assert response.status_code == 422, response.json
    problem = response.json["error"]["details"][0]
    assert (problem["file"], problem["element_id"]) == ("scripts.bpmn", element_id)
    assert reason in problem["reason"]
    assert problem["line"] == line
    assert stored_versions() == 0


def test_a_bundle_of_policy_abiding_scripts_deploys(api: Api) -> None:
    content = document(task=SCRIPT_TASK.format(ext="", script="total = sum([1, 2, 3])\nok = total &gt; 5"),
                       first="calc")
    assert upload(api, {"fine.bpmn": content}).status_code == 201
