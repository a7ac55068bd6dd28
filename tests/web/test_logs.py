"""Log lines carry the request id (sent back as X-Request-Id), name route templates, and are JSON on demand."""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any

import pytest
from flask import Flask, g

from web.logs import handler_for


def test_a_request_id_is_made_or_taken_from_the_caller_and_sent_back(client: Any) -> None:
    made = client.get("/healthz").headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/healthz").headers["X-Request-Id"] != made
    assert client.get("/healthz", headers={"X-Request-Id": "lb-7f3a9c21"}).headers["X-Request-Id"] == "lb-7f3a9c21"
    forged = client.get("/healthz", headers={"X-Request-Id": "<script>alert(1)</script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-Id"])


def test_one_line_per_request_names_the_route_template_not_the_reference(
        client: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="web.requests"):
        client.get("/families/F-2031-000042")
    lines = [r for r in caplog.records if r.name == "web.requests"]
    assert [(r.__dict__["method"], r.__dict__["route"], r.__dict__["status"]) for r in lines] == [
        ("GET", "/families/<ref>", 302)]
    assert "F-2031-000042" not in caplog.text


def test_json_lines_carry_time_level_logger_and_the_request_id(ctx: Flask) -> None:
    stream = io.StringIO()
    handler = handler_for("json")
    handler.setStream(stream)
    log = logging.getLogger("tests.json")
    log.addHandler(handler)
    try:
        with ctx.test_request_context("/"):
            g.request_id = "req-12345678"
            log.warning("instance became an incident", extra={"instance_id": 7})
        log.warning("outside a request")
    finally:
        log.removeHandler(handler)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert {k: inside[k] for k in ("level", "logger", "request_id", "message", "instance_id")} == {
        "level": "WARNING", "logger": "tests.json", "request_id": "req-12345678",
        "message": "instance became an incident", "instance_id": 7}
    assert "time" in inside and outside["request_id"] == "-"
