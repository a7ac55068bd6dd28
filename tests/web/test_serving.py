"""``make serve``'s server, for real: gunicorn builds the app from the environment alone (web/gunicorn_conf.py),
two web workers share the instance's secret key, a timer worker sweeps beside them, and SIGTERM stops all
of them cleanly. Runs on the embedded SQLite of a fresh instance folder, like the first run."""

from __future__ import annotations

import http.cookiejar
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from tests.fixtures.shell import ROOT, csrf_token, flask_command, user_environment

DEADLINE_S = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def read_until(server: subprocess.Popen[bytes], wanted: list[str], seen: list[str]) -> None:
    """Read the server's output until every wanted text appeared, with a deadline (no sleeping).

    Raw reads of the pipe, not ``readline``: a buffered line reader can hold lines that select() no longer
    reports as readable, and the wait would outlast output that has already arrived."""
    assert server.stdout is not None
    descriptor = server.stdout.fileno()
    selector = selectors.DefaultSelector()
    selector.register(descriptor, selectors.EVENT_READ)
    ends_at = time.monotonic() + DEADLINE_S
    while not all(any(text in line for line in seen) for text in wanted):
        assert time.monotonic() < ends_at, "".join(seen)
        if selector.select(timeout=max(0.0, ends_at - time.monotonic())):
            chunk = os.read(descriptor, 65536).decode(errors="replace")
            assert chunk, "the server exited:\n" + "".join(seen)
            seen.extend(chunk.splitlines(keepends=True))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[bytes], list[str]]]:
    env = user_environment(tmp_path_factory.mktemp("serve") / "instance")
    for step in (("db", "upgrade", "heads"), ("setup", "--no-demo")):
        done = flask_command(*step, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    created = flask_command("users", "create", "ehu9", "--group", "early_help_unit", env=env)
    assert created.returncode == 0, created.stderr
    password = flask_command("users", "password", "ehu9", "--password", "a long test password 9", env=env)
    assert password.returncode == 0, password.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "web/gunicorn_conf.py"], cwd=ROOT,
        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "TIMER_WORKERS": "1",
             "SESSION_COOKIE_SECURE": "0"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen: list[str] = []
    try:
        read_until(server, ["Booting worker", "timer worker: sweeping every"], seen)
        yield f"http://127.0.0.1:{port}", server, seen
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()


def test_gunicorn_workers_serve_the_app_built_from_the_environment(served: tuple[str, subprocess.Popen[bytes],
                                                                                 list[str]]) -> None:
    base, _, _ = served
    with urllib.request.urlopen(f"{base}/readyz", timeout=30) as ready:
        assert ready.status == 200 and b'"status":"ready"' in ready.read()
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = browser.open(f"{base}/sign-in", timeout=30).read()
    fields = {"csrf_token": csrf_token(form), "username": "ehu9", "password": "a long test password 9"}
    inbox = browser.open(f"{base}/sign-in", data=urllib.parse.urlencode(fields).encode(), timeout=30)
    assert urllib.parse.urlsplit(inbox.url).path == "/inbox", inbox.url
    # Whichever worker answers, the session signed by the other is valid: one key, from the instance folder.
    for _ in range(6):
        page = browser.open(f"{base}/inbox", timeout=30)
        assert (page.url, page.status) == (f"{base}/inbox", 200)
    # /metrics sums every worker's figures (one multiprocess folder): the sign-in's redirect and the six
    # visits, whichever worker served them.
    with urllib.request.urlopen(f"{base}/metrics", timeout=30) as scraped:
        text = scraped.read().decode()
    assert 'family_journeys_http_requests_total{method="GET",route="/inbox",status="200"} 7.0' in text
    assert "family_journeys_timer_sweeps_total" in text


def test_sigterm_stops_the_web_and_timer_workers_cleanly(served: tuple[str, subprocess.Popen[bytes],
                                                                        list[str]]) -> None:
    base, server, seen = served
    server.send_signal(signal.SIGTERM)
    read_until(server, ["timer worker stopped after", "timer workers stopped"], seen)
    assert server.wait(timeout=DEADLINE_S) == 0
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{base}/healthz", timeout=5)
    assert not [line for line in seen if "Traceback" in line or "[ERROR]" in line]
