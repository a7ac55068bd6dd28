"""The script sandbox: known escapes and resource bombs fail with ScriptError subclasses, ordinary
scripts keep SpiffWorkflow's semantics, and a real workflow runs its scripts and conditions sandboxed.
No test sleeps: loops are stopped by a short deadline (0.2 s); size bombs are refused before they run,
under a deadline long enough (30 s) that only the size guard can be what stopped them."""

from __future__ import annotations

import ast
import threading
import time
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.errors import ScriptError
from engine.sandbox_policy import compile_script
from engine.scripts import (
    SandboxedEnvironment,
    ScriptLimitExceeded,
    ScriptPolicyError,
    check_script,
    find_script_error,
    make_script_engine,
)

RULES = {"weight": lambda count: count * 10, "initials": lambda name: name[:1].upper()}


@pytest.fixture
def quick() -> SandboxedEnvironment:
    """For loops: stopped by a short deadline."""
    return SandboxedEnvironment(RULES, time_limit_s=0.2)


@pytest.fixture
def patient() -> SandboxedEnvironment:
    """For size bombs: a deadline so long that only a size guard can stop them in time."""
    return SandboxedEnvironment(RULES, time_limit_s=30)


def run(env: SandboxedEnvironment, source: str) -> Any:
    """Evaluate what parses as an expression, execute the rest."""
    context = {"x": 1}
    try:
        ast.parse(source, mode="eval")
    except SyntaxError:
        env.execute(source, context)
        return context
    return env.evaluate(source, context)


def refused(env: SandboxedEnvironment, source: str, error: type[ScriptError], match: str | None = None) -> ScriptError:
    started = time.monotonic()
    with pytest.raises(error, match=match) as caught:
        run(env, source)
    assert time.monotonic() - started < 5
    return caught.value


# -- escapes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",
        "import os",
        "from os import path",
        "().__class__.__base__.__subclasses__()",
        '"{0.__class__}".format(x)',
        '"{x.__class__}".format_map({"x": 1})',
        "str.format('{0.__class__}', x)",
        "(x for x in [1]).gi_frame",
        "(x for x in []).gi_frame.f_globals",
        "getattr(x, '__class__')",
        "getattr((i for i in [1]), 'gi_frame')",
        "getattr(x, '__class__', None)",
        'f"{x.__class__}"',
        "str.mro()",
        "eval('1')",
        "print(1)",
        "class A: pass",
        "with x: pass",
        "(1).to_bytes(10**9, 'big')",
        "'abc'.translate({97: 'b' * 10**6})",
        "x.now()",
    ],
)
def test_escapes_are_refused(patient: SandboxedEnvironment, source: str) -> None:
    refused(patient, source, ScriptPolicyError)


def test_a_script_cannot_catch_a_refusal(patient: SandboxedEnvironment) -> None:
    refused(patient, "try:\n    y = getattr(x, '__class__')\nexcept Exception:\n    y = 0", ScriptPolicyError)


# -- time ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "while True: pass",
        "while True:\n    try:\n        pass\n    finally:\n        continue",
        "try:\n    while True: pass\nexcept Exception:\n    y = 1",
        "try:\n    while True: pass\nexcept:\n    y = 1",
        "def f():\n    try:\n        while True: pass\n    finally:\n        return 1\ny = f()",
        "f = lambda n: 0 if n == 0 else f(n - 1) + f(n - 1)\ny = f(60)",
        "y = sum(range(10**12))",
        "y = max(range(10**12))",
        "y = [i for i in range(10**12)]",
        "y = [[i for i in range(10**6)] for j in range(10**6)]",
        "y = set().union(range(10**12))",
        "y = dict.fromkeys(range(10**9))",
    ],
)
def test_loops_stop_at_the_deadline(quick: SandboxedEnvironment, source: str) -> None:
    refused(quick, source, ScriptLimitExceeded, "script ran longer than 0.2 s")


def test_recursion_depth_is_limited(patient: SandboxedEnvironment) -> None:
    refused(patient, "def f(n):\n    return f(n + 1)\ny = f(0)", ScriptLimitExceeded, "nested deeper")


def test_the_deadline_works_in_a_thread(quick: SandboxedEnvironment) -> None:
    outcome: list[BaseException] = []

    def work() -> None:
        try:
            quick.execute("while True:\n    y = 1", {})
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            outcome.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert isinstance(outcome[0], ScriptLimitExceeded) and outcome[0].line == 1  # the loop's line


# -- size ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "match"),
    [
        ("10**10**10", r"result of \*\* too large"),
        ("pow(10, 10**10)", r"result of \*\* too large"),
        ("y = 10\ny **= 10**10", r"result of \*\* too large"),
        ("'a' * 10**10", r"result of \* too large"),
        ("1 << 10**10", "result of << too large"),
        ("[0] * 10**9", r"result of \* too large"),
        ("list(range(10**9))", r"result of list\(\) too large"),
        ("y, z = range(10**12)", "result of unpacking too large"),
        ("sorted(range(10**9))", "too large"),
        ("y = [[0] * 10**6 for i in range(10**6)]", "built more than"),
        ("y = [[[0] * 1000 for i in range(1000)] for j in range(1000)]", "built more than"),
        ("y = 'ab'\nwhile True:\n    y += y", r"result of \+ too large"),
        ("y = 'ab'\nwhile True:\n    y = y + y", r"result of \+ too large"),
        ("y = [1]\nwhile True:\n    y.extend(y)", r"extend\(\)"),
        ("y = [1]\nwhile True:\n    y = y * 2", r"result of \* too large"),
        ("('a' * 10**6).replace('a', 'b' * 1000)", r"replace\(\) too large"),
        ("'-'.join(['a' * 10**6] * 20)", r"join\(\) too large"),
        ("str.join('', ['a' * 10**6] * 20)", r"join\(\) too large"),
        ("'x'.ljust(10**9)", r"ljust\(\) too large"),
        ("f'{1:>1000000000}'", "f-string format too large"),
        ("f'{1.5:.1000000000f}'", "f-string format too large"),
        ("'%1000000000d' % 1", "% formatting too large"),
        ("round(5, -10**9)", "ndigits"),
        ("pow(3, 10**5000, 7)", "modulus"),
        ("y = [1]\nfor i in range(60):\n    y = [y, y]\nz = str(y)", r"str\(\) is too large"),
        ("y = [1]\nfor i in range(60):\n    y = [y, y]", "task data is too large"),
        ("y = []\nfor i in range(200):\n    y = [y]", "deeper than 100"),
        ("y = [1]\nfor i in range(60):\n    y = (y, y)\ny", "too large"),
    ],
)
def test_size_bombs_are_refused_before_they_run(patient: SandboxedEnvironment, source: str, match: str) -> None:
    refused(patient, source, ScriptLimitExceeded, match)


def test_star_widths_in_percent_formatting_are_refused(patient: SandboxedEnvironment) -> None:
    refused(patient, "'%*d' % (10**9, 1)", ScriptPolicyError)


def test_a_limit_reports_its_line(patient: SandboxedEnvironment) -> None:
    error = refused(patient, "y = 1\nz = 2\nw = 10**10**10", ScriptLimitExceeded)
    assert error.line == 3


# -- ordinary scripts keep SpiffWorkflow's semantics --------------------------------------------


def test_assignments_land_in_task_data_and_nothing_else_does(patient: SandboxedEnvironment) -> None:
    context: dict[str, Any] = {"members": ["zoe", "al"], "plan": {"goals": []}, "old": 1}
    script = """
names = sorted(members)
first = names[0].upper()
plan["goals"].append({"name": "school", "due": None})
plan.get("goals")[0]["done"] = False
pairs = [f"{key}={value!r}" for key, value in {"a": 1}.items()]
score = weight(len(members)) + 1
letter = initials(first)
total = 0
for index, name in enumerate(names, start=1):
    total += index
while total < 10:
    total += 1
helper = lambda value: value * 2
def double(value):
    return value * 2
doubled = list(map(double, [1, 2])) + [helper(3)]
kinds = [isinstance(first, str), isinstance(names, (list, tuple)), isinstance(1, str)]
del old
"""
    assert patient.execute(script, context) is True
    assert context == {
        "members": ["zoe", "al"],
        "plan": {"goals": [{"name": "school", "due": None, "done": False}]},
        "names": ["al", "zoe"],
        "first": "AL",
        "pairs": ["a=1"],
        "score": 21,
        "letter": "A",
        "total": 10,
        "index": 2,
        "name": "zoe",
        "doubled": [2, 4, 6],
        "kinds": [True, True, False],
    }


def test_conditions_and_expressions_evaluate(patient: SandboxedEnvironment) -> None:
    data = {"closure_approval": {"decision": "approved"}, "count": 3, "ref": "F-1"}
    assert patient.evaluate('closure_approval["decision"] == "approved"', data) is True
    assert patient.evaluate("  count > 2 and ref.startswith('F')", data) is True  # indented, as in XML
    assert patient.evaluate('"P6M"', data) == "P6M"
    assert patient.evaluate("weight(count)", data) == 30
    assert patient.evaluate("f'{ref}-{count:03d}'", data) == "F-1-003"
    assert patient.evaluate("'%s has %d' % (ref, count)", data) == "F-1 has 3"
    assert patient.evaluate("sum([1, 2, 3]) + max(4, 5) + min([6, 7]) + len({'a': 1})", data) == 18
    assert patient.evaluate("any(n > 2 for n in range(5)) and all([1, True])", data) is True
    assert patient.evaluate("str.upper(ref) + '-'.join(['a', 'b']) + 'x'.zfill(3)", data) == "F-1a-b00x"
    assert patient.evaluate("dict(a=1) | dict([('b', 2)])", data) == {"a": 1, "b": 2}
    assert patient.evaluate("[*range(3)][::-1]", data) == [2, 1, 0]
    assert patient.evaluate("'x' * 3 + str(2 ** 10) + str([1, (2,)])", data) == "xxx1024[1, (2,)]"
    assert data == {"closure_approval": {"decision": "approved"}, "count": 3, "ref": "F-1"}


def test_datetimes_in_task_data_work_but_cannot_read_the_wall_clock(patient: SandboxedEnvironment) -> None:
    data = {"due": datetime(2027, 3, 31, 17, 0, tzinfo=UTC), "opened": datetime(2027, 3, 1, tzinfo=UTC)}
    assert patient.evaluate("due > opened and due.year == 2027", data) is True
    assert patient.evaluate("due.isoformat()", data) == "2027-03-31T17:00:00+00:00"
    assert patient.evaluate("f'{due:%d %B %Y}'", data) == "31 March 2027"
    assert patient.evaluate("(due - opened).days", data) == 30
    for wall_clock in ("due.now()", "due.today()", "due.utcnow()", "getattr(due, 'now')()"):
        with pytest.raises(ScriptPolicyError, match="not available"):
            patient.evaluate(wall_clock, data)


def test_a_key_overwriting_a_rule_function_is_refused_as_spiff_does(patient: SandboxedEnvironment) -> None:
    with pytest.raises(ValueError, match="overwrites a predefined function"):
        patient.execute("y = 1", {"weight": 5})


def test_task_data_cannot_shadow_the_guards(patient: SandboxedEnvironment) -> None:
    context = {"_getattr_": "not a guard", "_getiter_": None, "y": "a"}
    patient.execute("z = y.upper()\nw = [c for c in 'ab']", context)
    assert context == {"_getattr_": "not a guard", "_getiter_": None, "y": "a", "z": "A", "w": ["a", "b"]}
    with pytest.raises(ScriptPolicyError):
        patient.evaluate("getattr(y, '__class__')", context)


def test_a_generator_left_in_task_data_is_dead_after_its_script(patient: SandboxedEnvironment) -> None:
    context: dict[str, Any] = {}
    patient.execute("g = (i for i in range(3))", context)
    with pytest.raises(ScriptPolicyError, match="after the script ended"):
        list(context["g"])


# -- check_script and the compile cache ---------------------------------------------------------


def test_check_script_refuses_with_the_line() -> None:
    check_script("y = weight(3)\nz = [i for i in range(y)]", "exec")
    check_script("count > 3", "eval")
    with pytest.raises(ScriptPolicyError) as policy:
        check_script("y = 1\nimport os", "exec")
    assert policy.value.line == 2 and str(policy.value).startswith("import statements are not allowed")
    with pytest.raises(ScriptPolicyError) as syntax:
        check_script("y = 1\nz = (", "exec")
    assert syntax.value.line == 2 and not isinstance(syntax.value, SyntaxError)
    with pytest.raises(ScriptPolicyError) as several:
        check_script("a = x._y\nb = __import__", "exec")
    assert [problem["line"] for problem in several.value.details] == [1, 2]
    with pytest.raises(ScriptPolicyError):
        check_script("y = 1", "eval")


def test_compiled_code_is_cached() -> None:
    assert compile_script("count > 3", "eval") is compile_script("count > 3", "eval")


# -- a real SpiffWorkflow workflow ----------------------------------------------------------------

TRIAGE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs"
                  targetNamespace="http://example.org/scripts-test">
  <bpmn:process id="triage" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="score"/>
    <bpmn:scriptTask id="score" name="Score">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="score" targetRef="route"/>
    <bpmn:exclusiveGateway id="route" default="to_low">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>to_high</bpmn:outgoing><bpmn:outgoing>to_low</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="to_high" sourceRef="route" targetRef="high">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_low" sourceRef="route" targetRef="low"/>
    <bpmn:endEvent id="high"><bpmn:incoming>to_high</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="low"><bpmn:incoming>to_low</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""

SCORE = """needs = sorted(n.upper() for n in needs)
score = weight(len(needs))
summary = f"{family_ref}: {score}"
"""


def _triage(script: str, condition: str = 'score >= 30 and summary.startswith("F")', **data: Any) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(TRIAGE.format(script=escape(script), condition=escape(condition)).encode())
    workflow = BpmnWorkflow(parser.get_spec("triage"), script_engine=make_script_engine(RULES, time_limit_s=0.2))
    workflow.task_tree.data.update(data)
    workflow.do_engine_steps()
    return workflow


def _ended_at(workflow: BpmnWorkflow) -> list[str]:
    return [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id in
            ("high", "low")]


@pytest.mark.parametrize(("needs", "end"), [(["school", "housing", "health"], "high"), (["school"], "low")])
def test_a_workflow_runs_its_script_and_condition_in_the_sandbox(needs: list[str], end: str) -> None:
    workflow = _triage(SCORE, family_ref="F-7", needs=needs)
    assert workflow.is_completed() and _ended_at(workflow) == [end]
    assert workflow.data["needs"] == sorted(n.upper() for n in needs)
    assert workflow.data["summary"] == f"F-7: {len(needs) * 10}"
    assert not [key for key in workflow.data if key.startswith("_") or key in RULES]


@pytest.mark.parametrize(
    ("script", "error", "line"),
    [
        (SCORE + "huge = 10**10**10\n", ScriptLimitExceeded, 4),
        ("score = 1\nimport os\n", ScriptPolicyError, 2),
        ("score = 1\nwhile True:\n    score += 1\n", ScriptLimitExceeded, 2),
        ("score = 1\nname = getattr(score, '__class__')\n", ScriptPolicyError, 2),
    ],
)
def test_a_bad_script_fails_its_task_with_the_line(script: str, error: type[ScriptError], line: int) -> None:
    with pytest.raises(WorkflowTaskException) as failure:
        _triage(script, family_ref="F-7", needs=["school"])
    cause = find_script_error(failure.value)
    assert isinstance(cause, error) and cause.line == line
    assert failure.value.line_number == line
    assert failure.value.__cause__ is cause


def test_a_bad_condition_fails_with_the_sandbox_error() -> None:
    with pytest.raises(WorkflowTaskException) as failure:
        _triage("score = 1", condition="__import__('os').getpid() > 0")
    assert isinstance(find_script_error(failure.value), ScriptPolicyError)
    assert find_script_error(ValueError("unrelated")) is None
