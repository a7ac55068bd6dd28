"""Two publishes of one process at once: one takes the next version, the other is told it lost (409)."""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine import spiff, timer_starts
from engine.models import DefinitionVersion, ProcessVersion
from tests.fixtures.app import BPMN, ON_POSTGRES, Api
from tests.fixtures.threads import in_threads
from web.extensions import db

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="concurrent transactions need PostgreSQL: CI runs these "
                                                        "with DATABASE_URL=postgresql+psycopg://...")


def test_two_publishes_of_one_process_at_once_one_201_one_409_and_one_version(
        api: Api, ctx: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (BPMN / "review.bpmn").read_text("utf-8")
    headers = api.headers("owner")
    assert api.deploy("review.bpmn").status_code == 201
    # Both have read version 1 as current and validated their bundle before either takes the lock.
    both_checked = threading.Barrier(2, timeout=30)
    plan = timer_starts.plan

    def plan_then_wait(bundle: spiff.ParsedBundle, roots: Mapping[str, Any], engine: Any) -> Any:
        planned = plan(bundle, roots, engine)
        both_checked.wait()
        return planned

    monkeypatch.setattr(timer_starts, "plan", plan_then_wait)

    def publish(n: int) -> tuple[int, Any]:
        bundle = text.replace('name="Review a case"', f'name="Review a case {n}"', 1).encode()
        response = ctx.test_client().post("/api/v1/definitions", headers=headers, content_type="multipart/form-data",
                                          data={"files": [(io.BytesIO(bundle), "review.bpmn")], "note": f"Change {n}"})
        return response.status_code, response.get_json()

    results = in_threads(ctx, lambda: publish(1), lambda: publish(2))
    assert sorted(status for status, _ in results) == [201, 409], results
    won = next(body for status, body in results if status == 201)
    lost = next(body for status, body in results if status == 409)
    assert won["versions"][0]["version"] == 2
    assert lost["error"]["code"] == "publish_race"
    assert lost["error"]["message"] == ("another publish of 'review' won the race: version 2 is now current; "
                                        "look at it and publish again")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == 2
    assert db.session.scalar(select(func.count()).select_from(DefinitionVersion)) == 2
