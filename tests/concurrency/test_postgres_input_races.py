"""Races that answered 500 in a hostile run: eight deploys at once took one version number (now a publish
another overtook is a 409), and two claim windows with one name both started, one ending as an orphan
error instance."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.models import DefinitionVersion, Instance
from tests.fixtures.app import BPMN, ON_POSTGRES, Api
from tests.fixtures.lifecycle import Journey
from tests.fixtures.threads import in_threads
from web.extensions import db
from workflows.models import ClaimWindow

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="concurrent transactions need PostgreSQL: CI runs these "
                                                        "with DATABASE_URL=postgresql+psycopg://...")


def test_eight_concurrent_deploys_each_get_their_own_version(api: Api, ctx: Flask) -> None:
    text = (BPMN / "review.bpmn").read_text("utf-8")
    headers = api.headers("owner")

    def deploy(n: int) -> tuple[int, object]:
        bundle = text.replace('name="Review a case"', f'name="Review a case {n}"', 1).encode()
        response = ctx.test_client().post("/api/v1/definitions", headers=headers, content_type="multipart/form-data",
                                          data={"files": [(io.BytesIO(bundle), "review.bpmn")], "note": f"race {n}"})
        return response.status_code, response.get_json()

    results = in_threads(ctx, *[lambda n=n: deploy(n) for n in range(8)])
    # Publishes of one process overtaken by another are refused (409, publish_race), never a 500 or a shared
    # number: each that won took the next number in turn.
    assert {status for status, _ in results} <= {201, 409}, results
    assert {body["error"]["code"] for s, body in results if s == 409} <= {"publish_race"}  # type: ignore[index]
    won = sorted(body["versions"][0]["version"] for s, body in results if s == 201)  # type: ignore[index]
    assert won == list(range(1, len(won) + 1)) and won
    assert db.session.scalar(select(func.count()).select_from(DefinitionVersion)) == len(won)


def test_two_claim_windows_with_one_name_at_once_one_conflict_and_no_orphan(journey: Journey, ctx: Flask) -> None:
    headers = journey.api.headers("admin")
    body = {"name": "April 2028", "local_cutoff_at": "2028-04-01T00:00:00+01:00",
            "closes_at": "2028-05-01T00:00:00+01:00"}
    instances_before = db.session.scalar(select(func.count()).select_from(Instance))

    def open_window() -> tuple[int, object]:
        response = ctx.test_client().post("/api/v1/admin/claim-windows", headers=headers, json=body)
        return response.status_code, response.get_json()

    results = in_threads(ctx, *[open_window] * 4)
    assert sorted(status for status, _ in results) == [201, 409, 409, 409], results
    assert {b["error"]["code"] for s, b in results if s == 409} == {"duplicate_window"}  # type: ignore[index]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ClaimWindow)) == 1
    assert db.session.scalar(select(func.count()).select_from(Instance)) == instances_before + 1
    assert db.session.scalar(select(func.count()).select_from(Instance).where(Instance.status == "error")) == 0
