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
          '<bpmn:outgoing>f2</bpmn:outgoing>\n'
          '      <bpmn:script>x = 1\nimport os</bpmn:script></bpmn:scriptTask>\n'
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

CONDITION = ('    <bpmn:exclusiveGateway id="gw" name="Which way?" default="f3"><bpmn:incoming>f1</bpmn:incoming>'
             '<bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing></bpmn:exclusiveGateway>\n'
             '    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming><bpmn:incoming>f3</bpmn:incoming>'
             '</bpmn:endEvent>\n'
             '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw" />\n'
             '    <bpmn:sequenceFlow id="f2" name="Ready" sourceRef="gw" targetRef="end">\n'
             '      <bpmn:conditionExpression>import os</bpmn:conditionExpression></bpmn:sequenceFlow>\n'
             '    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end" />')


def timer(expression: str, kind: str = "timeDuration", *, boundary: bool = False) -> str:
    """A timer catch event 'wait' (line 8) whose expression sits on line 9; with ``boundary``, a
    non-interrupting boundary 'remind' on the user task (line 12), its expression on line 13."""
    definition = (f'<bpmn:timerEventDefinition id="t"><bpmn:{kind}>{expression}</bpmn:{kind}>'
                  '</bpmn:timerEventDefinition>')
    if boundary:
        return (user_task() + '\n    <bpmn:boundaryEvent id="remind" name="Remind" attachedToRef="work" '
                'cancelActivity="false">\n'
                f'      {definition}</bpmn:boundaryEvent>')
    return ('    <bpmn:intermediateCatchEvent id="wait" name="Wait a fortnight"><bpmn:incoming>f1</bpmn:incoming>'
            '<bpmn:outgoing>f2</bpmn:outgoing>\n'
            f'      {definition}</bpmn:intermediateCatchEvent>\n'
            '    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
            '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />\n'
            '    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />')


# The parser hands an event-based gateway's timers to the gateway; the problem names the branch event.
EVENT_GATEWAY = ('    <bpmn:eventBasedGateway id="first" name="Soon or give up?"><bpmn:incoming>f1</bpmn:incoming>'
                 '<bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing></bpmn:eventBasedGateway>\n'
                 '    <bpmn:intermediateCatchEvent id="soon" name="Soon"><bpmn:incoming>f2</bpmn:incoming>'
                 '<bpmn:outgoing>f4</bpmn:outgoing><bpmn:timerEventDefinition id="s"><bpmn:timeDuration>"P1D"'
                 '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>\n'
                 '    <bpmn:intermediateCatchEvent id="timeout" name="Give up after a week">'
                 '<bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>\n'
                 '      <bpmn:timerEventDefinition id="t"><bpmn:timeDuration>P7D</bpmn:timeDuration>'
                 '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>\n'
                 '    <bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming><bpmn:incoming>f5</bpmn:incoming>'
                 '</bpmn:endEvent>\n'
                 '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="first" />\n'
                 '    <bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="soon" />\n'
                 '    <bpmn:sequenceFlow id="f3" sourceRef="first" targetRef="timeout" />\n'
                 '    <bpmn:sequenceFlow id="f4" sourceRef="soon" targetRef="end" />\n'
                 '    <bpmn:sequenceFlow id="f5" sourceRef="timeout" targetRef="end" />')
# A start timer computed from data compiles, and cannot be evaluated when the deploy plans its first start.
TIMER_START = (HEAD + '  <bpmn:process id="p" name="Checked" isExecutable="true">\n'
               '    <bpmn:startEvent id="start" name="Every day"><bpmn:outgoing>f1</bpmn:outgoing>\n'
               '      <bpmn:timerEventDefinition id="t"><bpmn:timeCycle>every_day</bpmn:timeCycle>'
               '</bpmn:timerEventDefinition></bpmn:startEvent>\n'
               '    <bpmn:endEvent id="end"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>\n'
               '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" />\n'
               '  </bpmn:process>\n</bpmn:definitions>\n').encode()
BUSINESS_RULE = ('    <bpmn:businessRuleTask id="decide" name="Grade it"><bpmn:extensionElements>'
                 '<spiffworkflow:calledDecisionId>grade</spiffworkflow:calledDecisionId></bpmn:extensionElements>'
                 '<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:businessRuleTask>\n'
                 '    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
                 '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide" />\n'
                 '    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end" />')
DMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="dmn" name="D" namespace="http://example.org/d">
  <decision id="grade" name="Grade">
    <decisionTable id="table">
      <input id="in1" label="Score">
        <inputExpression id="ie1" typeRef="integer"><text>score</text></inputExpression></input>
      <output id="out1" label="Grade" name="grade" typeRef="string" />
      <rule id="r1"><inputEntry id="e1"><text>&gt; 5</text></inputEntry>
        <outputEntry id="o1"><text>__import__('os')</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"""

FLOW_TO_NOWHERE = ('    <bpmn:endEvent id="end"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>\n'
                   '    <bpmn:sequenceFlow id="f1" name="Onwards" sourceRef="start" targetRef="ghost" />')
CALL = ('    <bpmn:callActivity id="call" name="Call it" calledElement="nowhere"><bpmn:incoming>f1</bpmn:incoming>'
        '<bpmn:outgoing>f2</bpmn:outgoing></bpmn:callActivity>\n'
        '    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
        '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />\n'
        '    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />')
MESSAGE_CATCH = ('    <bpmn:intermediateCatchEvent id="reply" name="Reply"><bpmn:incoming>f1</bpmn:incoming>'
                 '<bpmn:outgoing>f2</bpmn:outgoing>\n'
                 '      <bpmn:messageEventDefinition id="md" messageRef="nope" /></bpmn:intermediateCatchEvent>\n'
                 '    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
                 '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="reply" />\n'
                 '    <bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="end" />')
ERROR_BOUNDARY = (user_task() + '\n    <bpmn:boundaryEvent id="failed" name="Failed" attachedToRef="work">'
                  '<bpmn:errorEventDefinition id="ed" errorRef="nope" /></bpmn:boundaryEvent>')
LOOSE_BOUNDARY = (user_task() + '\n    <bpmn:boundaryEvent id="late" name="Late" attachedToRef="ghost">'
                  '<bpmn:timerEventDefinition id="t"><bpmn:timeDuration>"P1D"</bpmn:timeDuration>'
                  '</bpmn:timerEventDefinition></bpmn:boundaryEvent>')
COMPLEX = ('    <bpmn:complexGateway id="cg" name="Complicated"><bpmn:incoming>f1</bpmn:incoming>'
           '<bpmn:outgoing>f2</bpmn:outgoing></bpmn:complexGateway>\n'
           '    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
           '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="cg" />\n'
           '    <bpmn:sequenceFlow id="f2" sourceRef="cg" targetRef="end" />')
NO_PROCESS = (HEAD + "</bpmn:definitions>\n").encode()

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
    # the file's line of the bpmn:script (9), not the line in the script (2), which the reason tells
    pytest.param({"script.bpmn": bpmn(SCRIPT)}, "script.bpmn", "p", "calc", "Add up", 9,
                 "script (line 2 of the script): import statements are not allowed", None, id="script-policy"),
    pytest.param({"cond.bpmn": bpmn(CONDITION)}, "cond.bpmn", "p", "f2", "Ready", 12,
                 "condition: SyntaxError: invalid syntax at statement: 'import os'", None,
                 id="condition-on-its-flow"),
    pytest.param({"timer.bpmn": bpmn(timer("P14D"))}, "timer.bpmn", "p", "wait", "Wait a fortnight", 9,
                 "timer duration P14D is not in quotes", 'write it in quotes: "P14D"', id="unquoted-duration"),
    pytest.param({"timer.bpmn": bpmn(timer("2027-03-01T09:00:00", "timeDate"))}, "timer.bpmn", "p", "wait",
                 "Wait a fortnight", 9, "timer date 2027-03-01T09:00:00 is not in quotes",
                 'write it in quotes: "2027-03-01T09:00:00+00:00"', id="unquoted-date"),
    pytest.param({"timer.bpmn": bpmn(timer("2027-12-25", "timeDate"))}, "timer.bpmn", "p", "wait",
                 "Wait a fortnight", 9, "2027-12-25 is read as arithmetic",
                 'write it in quotes: "2027-12-25T00:00:00+00:00"', id="unquoted-date-that-is-arithmetic"),
    pytest.param({"timer.bpmn": bpmn(timer("next monday", "timeDate"))}, "timer.bpmn", "p", "wait",
                 "Wait a fortnight", 9, "timer expression: SyntaxError",
                 'write a fixed date in quotes, e.g. "2027-03-01T09:00:00+00:00"', id="timer-not-python"),
    pytest.param({"timer.bpmn": bpmn(timer('"2027-03-01T09:00"', "timeDate"))}, "timer.bpmn", "p", "wait",
                 "Wait a fortnight", 9, "timer date '2027-03-01T09:00' is not an ISO 8601 date and time with its "
                 "offset", '"2027-03-01T09:00:00+00:00"', id="date-without-offset"),
    pytest.param({"timer.bpmn": bpmn(timer('"14 days"'))}, "timer.bpmn", "p", "wait", "Wait a fortnight", 9,
                 "timer duration '14 days' is not an ISO 8601 duration", '"P14D" (14 days)',
                 id="duration-not-iso"),
    pytest.param({"timer.bpmn": bpmn(timer('"R/PT1S"', "timeCycle", boundary=True))}, "timer.bpmn", "p",
                 "remind", "Remind", 13, "repeats every 1 s", "repeat no more often than", id="cycle-under-the-floor"),
    pytest.param({"gate.bpmn": bpmn(EVENT_GATEWAY)}, "gate.bpmn", "p", "timeout", "Give up after a week", 11,
                 "timer duration P7D is not in quotes", '"P7D"', id="event-gateway-branch-timer"),
    pytest.param({"start.bpmn": TIMER_START}, "start.bpmn", "p", "start", "Every day", 5,
                 "the timer start could not be evaluated", "give the start timer a time in quotes",
                 id="timer-start-not-evaluable"),
    pytest.param({"rule.bpmn": bpmn(BUSINESS_RULE), "grade.dmn": DMN}, "rule.bpmn", "p", "decide", "Grade it", 8,
                 "DMN rule 1 output: \"__import__\" is an invalid variable name because it starts with \"_\" "
                 "(cell 'o1' of grade.dmn, line 9)", None, id="dmn-cell"),
    pytest.param({"comp.bpmn": bpmn(COMPENSATION)}, "comp.bpmn", "p", "undo_hook", "Undo", 12,
                 "compensation is not supported", "draw the undo steps as ordinary tasks", id="compensation"),
    pytest.param({"link.bpmn": bpmn(LINK)}, "link.bpmn", "p", "jump", "Jump", 8,
                 "link throw 'nowhere' has no link catch", "add an intermediate link catch event named 'nowhere'",
                 id="unmatched-link"),
    # references that name nothing: the parser's own words were a TypeError, a misleading message at
    # the start event, or nothing at all (a boundary attached to nothing deployed and never fired)
    pytest.param({"flow.bpmn": bpmn(FLOW_TO_NOWHERE)}, "flow.bpmn", "p", "f1", "Onwards", 9,
                 "targetRef 'ghost' names nothing", "connect it to an element", id="flow-to-nowhere"),
    pytest.param({"msg.bpmn": bpmn(MESSAGE_CATCH)}, "msg.bpmn", "p", "reply", "Reply", 9,
                 "messageRef 'nope' names nothing: no bpmn:message in the bundle has the id 'nope'",
                 "define a bpmn:message with id 'nope'", id="unknown-message"),
    pytest.param({"err.bpmn": bpmn(ERROR_BOUNDARY)}, "err.bpmn", "p", "failed", "Failed", 12,
                 "errorRef 'nope' names nothing", "define a bpmn:error with id 'nope'", id="unknown-error"),
    pytest.param({"loose.bpmn": bpmn(LOOSE_BOUNDARY)}, "loose.bpmn", "p", "late", "Late", 12,
                 "attachedToRef 'ghost' names nothing", "connect it to an element", id="boundary-on-nothing"),
    # the parser names only the missing process: the call activity is found by its calledElement
    pytest.param({"call.bpmn": bpmn(CALL)}, "call.bpmn", "p", "call", "Call it", 8,
                 "The process 'nowhere' was not found", "calledElement", id="call-activity-to-nowhere"),
    pytest.param({"cg.bpmn": bpmn(COMPLEX)}, "cg.bpmn", "p", "cg", "Complicated", 8,
                 "no support implemented for this task type", "exclusive, inclusive or parallel gateway",
                 id="complex-gateway"),
    pytest.param({"rule.bpmn": bpmn(BUSINESS_RULE)}, "rule.bpmn", "p", "decide", "Grade it", 8,
                 'No DMN Diagram available with id "grade"', "upload the .dmn file", id="missing-decision"),
    pytest.param({"a.bpmn": bpmn(user_task()), "b.bpmn": bpmn(user_task())}, "b.bpmn", "p", "p", "Checked", 3,
                 "Duplicate process ID: p", "its own id", id="duplicate-process"),
    # a whole file the parser rejects is placed at its root element
    pytest.param({"x.dmn": bpmn(user_task())}, "x.dmn", "p", "d", None, 2, "the parser rejected the file",
                 "a DMN decision in a .dmn file", id="bpmn-in-a-dmn-file"),
    pytest.param({"none.bpmn": NO_PROCESS}, "none.bpmn", None, "d", None, 2, "the bundle holds no process",
                 "with a bpmn:process in it", id="no-process"),
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
