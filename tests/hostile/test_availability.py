"""Hostile models against a live server (availability): each attack runs in a single-process
threaded server (``flask run``) in a subprocess; another request is answered within 10 s while it runs,
the attacked instance becomes an incident, and the next sweep carries on.

PostgreSQL only (CI's second run): the server gets its own fresh database beside the suite's, created
here and dropped at the end. Every wait has a fixed cap: HTTP calls time out, the server's start-up is
read with a deadline, and threads are joined with a timeout. Nothing sleeps.
"""

from __future__ import annotations

import json
import os
import selectors
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.fixtures.shell import ROOT, flask_command, user_environment
from tests.fixtures.timer_models import HEAD, start_cycle

DATABASE_URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith("postgresql"),
    reason="a live server on PostgreSQL, run once in CI's PostgreSQL pass (SQLite serialises writers anyway)",
)

ANSWER_WITHIN_S = 10.0  # the bound for another request while an attack runs
STARTUP_S = 120.0
CALL_TIMEOUT_S = 60.0

# Each would hold the interpreter for minutes or for ever without the sandbox's guards.
ATTACKS = {
    "shared_compare": "a = [1]\nb = [1]\nfor i in range(64):\n    a = [a, a]\n    b = [b, b]\nsame = a == b",
    "shared_hash": "t = (1,)\nfor i in range(64):\n    t = (t, t)\nd = {t: 1}",
    "recursive_compare": "a = [1]\na.append(a)\nb = [1]\nb.append(b)\nsame = a == b",
    "punycode": "s = ''.join([chr(256 + i) for i in range(60000)])\np = s.encode('punycode')",
}


def after_a_timer(process_id: str, script: str) -> bytes:
    """start -> PT1M timer -> the script -> end: the sweep is what runs the script."""
    return (HEAD.format(id=process_id) + f"""
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="wait_timer">
        <bpmn:timeDuration>"PT1M"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="attack"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>{escape(script)}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="attack" />
    <bpmn:sequenceFlow id="f3" sourceRef="attack" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>""").encode()


LOOP = (HEAD.format(id="endless_loop") + """
  <bpmn:process id="endless_loop" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="count"><bpmn:incoming>f1</bpmn:incoming><bpmn:incoming>again</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="more" default="done"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>again</bpmn:outgoing><bpmn:outgoing>done</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="end"><bpmn:incoming>done</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="count" />
    <bpmn:sequenceFlow id="f2" sourceRef="count" targetRef="more" />
    <bpmn:sequenceFlow id="again" sourceRef="more" targetRef="count">
      <bpmn:conditionExpression>n &gt; 0</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="done" sourceRef="more" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>""").encode()



def boundary_cycle(process_id: str, cycle: str) -> bytes:
    return (HEAD.format(id=process_id) + f"""
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="admins" name="admin">
      <bpmn:flowNodeRef>visit</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
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


@dataclass
class Answer:
    status: int
    body: Any
    elapsed_s: float


class Live:
    """The served app, called over HTTP as an administrator with a bearer token."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: Any = None, *, files: dict[str, bytes] | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data: bytes | None = None
        if files is not None:
            boundary = uuid.uuid4().hex
            parts = [(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                      f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + b"\r\n"
                     for name, content in files.items()]
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
                         "Deployed by the hostile suite\r\n".encode())
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=CALL_TIMEOUT_S) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return Answer(status, json.loads(raw) if raw else None, time.monotonic() - started)

    def while_another_request_is_answered(self, attack: Callable[[], Answer]) -> Answer:
        """Run ``attack`` in a thread; meanwhile another request must be answered within 10 s."""
        outcome: list[Answer] = []
        thread = threading.Thread(target=lambda: outcome.append(attack()), daemon=True)
        thread.start()
        other = self.call("GET", "/api/v1/tasks")
        assert other.status == 200 and other.elapsed_s < ANSWER_WITHIN_S, other
        thread.join(timeout=CALL_TIMEOUT_S + 5)
        assert not thread.is_alive() and outcome, "the attack's request did not come back"
        return outcome[0]

    def instance(self, instance_id: int) -> dict[str, Any]:
        answer = self.call("GET", f"/api/v1/instances/{instance_id}")
        assert answer.status == 200, answer
        return dict(answer.body)

    def start(self, process_id: str, data: dict[str, Any] | None = None) -> Answer:
        return self.call("POST", "/api/v1/instances", {"process_id": process_id, "data": data or {}})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_output(server: subprocess.Popen[bytes], wanted: str, seen: list[str]) -> None:
    assert server.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(server.stdout.fileno(), selectors.EVENT_READ)
    ends_at = time.monotonic() + STARTUP_S
    while not any(wanted in line for line in seen):
        assert time.monotonic() < ends_at, "".join(seen)
        if selector.select(timeout=max(0.0, ends_at - time.monotonic())):
            chunk = os.read(server.stdout.fileno(), 65536).decode(errors="replace")
            assert chunk, "the server exited:\n" + "".join(seen)
            seen.extend(chunk.splitlines(keepends=True))


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    url = make_url(DATABASE_URL)
    name = f"{url.database}_hostile"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def live(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    instance: Path = tmp_path_factory.mktemp("hostile") / "instance"
    env = {**user_environment(instance), "DATABASE_URL": database, "CLOCK": "manual", "SCHEDULER_ENABLED": "0",
           "SESSION_COOKIE_SECURE": "0", "SCRIPT_TIME_LIMIT_S": "1"}
    for step in (("db", "upgrade", "heads"), ("setup", "--no-demo")):
        done = flask_command(*step, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    created = flask_command("users", "create", "hostile_admin", "--group", "admin", "--token", env=env)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(  # one process, one thread per request: what a stuck C call would freeze
        [sys.executable, "-m", "flask", "--app", "web", "run", "--port", str(port), "--with-threads",
         "--no-reload", "--no-debugger"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen: list[str] = []
    try:
        wait_for_output(server, "Running on", seen)
        yield Live(f"http://127.0.0.1:{port}", token)
        assert server.poll() is None, "the server died:\n" + "".join(seen)
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(timeout=30)


def test_scripts_run_by_the_sweep_become_incidents_and_the_next_sweep_carries_on(live: Live) -> None:
    files = {f"{name}.bpmn": after_a_timer(name, script) for name, script in ATTACKS.items()}
    files["benign.bpmn"] = after_a_timer("benign", "ok = True")
    assert live.call("POST", "/api/v1/definitions", files=files).status == 201
    assert live.call("POST", "/api/v1/clock", {"set": "2027-01-01T00:00:00+00:00"}).status == 200
    attacked = {name: live.start(name).body["id"] for name in ATTACKS}
    benign = live.start("benign").body["id"]
    assert live.call("POST", "/api/v1/clock", {"advance": "PT2M"}).status == 200

    swept = live.while_another_request_is_answered(lambda: live.call("POST", "/api/v1/timers/sweep"))
    assert swept.status == 200, swept
    assert (swept.body["fired"], swept.body["failed"]) == (1, len(ATTACKS))
    for name, instance_id in attacked.items():
        instance = live.instance(instance_id)
        assert instance["status"] == "error", (name, instance)
        assert instance["incident"]["element_id"] == "attack", (name, instance["incident"])
    assert live.instance(benign)["status"] == "completed"

    # The incidents leave the sweep; new work behind them is still fired.
    later = live.start("benign").body["id"]
    assert live.call("POST", "/api/v1/clock", {"advance": "PT2M"}).status == 200
    next_sweep = live.while_another_request_is_answered(lambda: live.call("POST", "/api/v1/timers/sweep"))
    assert (next_sweep.body["fired"], next_sweep.body["failed"]) == (1, 0), next_sweep
    assert live.instance(later)["status"] == "completed"


def test_a_script_gateway_loop_is_an_incident_with_its_last_good_state(live: Live) -> None:
    assert live.call("POST", "/api/v1/definitions", files={"loop.bpmn": LOOP}).status == 201
    started = live.while_another_request_is_answered(lambda: live.start("endless_loop", {"n": 1}))
    assert started.status == 201 and started.body["status"] == "error", started
    instance = live.instance(started.body["id"])
    assert "loop" in instance["incident"]["message"] and instance["data"] == {"n": 1}
    assert live.call("POST", "/api/v1/timers/sweep").status == 200


def test_zero_timer_cycles_are_refused_or_incidents_and_never_block_later_deploys(live: Live) -> None:
    for name, content in (("zero_start.bpmn", start_cycle("zero_start", '"R/PT0S"')),
                          ("zero_computed.bpmn", start_cycle("zero_computed", '"R/PT" + "0S"')),
                          ("zero_boundary.bpmn", boundary_cycle("zero_boundary", '"R/PT0S"'))):
        refused = live.while_another_request_is_answered(
            lambda content=content, name=name: live.call("POST", "/api/v1/definitions", files={name: content}))
        assert refused.status == 422, refused
        deployed = live.call("POST", "/api/v1/definitions", files={f"ok_{name}": start_cycle(f"ok_{name[:-5]}",
                                                                                             '"R/P1D"')})
        assert deployed.status == 201 and deployed.elapsed_s < ANSWER_WITHIN_S, deployed  # not blocked
    assert live.call("POST", "/api/v1/definitions",
                     files={"data_boundary.bpmn": boundary_cycle("data_boundary", "every")}).status == 201
    started = live.while_another_request_is_answered(lambda: live.start("data_boundary", {"every": "R/PT0S"}))
    assert started.status == 201 and started.body["status"] == "error", started
    assert live.instance(started.body["id"])["incident"]["element_id"] == "nudge"
    assert live.call("POST", "/api/v1/timers/sweep").status == 200
