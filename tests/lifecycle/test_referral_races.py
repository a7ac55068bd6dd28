"""Two identical referrals with one Idempotency-Key at the same moment: one family, one instance."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.models import Instance
from tests.fixtures.app import ON_POSTGRES
from tests.fixtures.lifecycle import REFERRAL, Journey
from tests.fixtures.threads import in_threads
from web.extensions import db
from workflows.models import Family, Referral

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="a real race needs PostgreSQL's concurrent writers")


def test_concurrent_duplicates_start_one_referral(journey: Journey, ctx: Flask) -> None:
    token = journey.api.tokens["partner"]

    def submit() -> tuple[int, Any]:
        response = ctx.test_client().post("/api/v1/referrals", json=REFERRAL, headers={
            "Authorization": f"Bearer {token}", "Idempotency-Key": "same-key"})
        return response.status_code, response.get_json()

    results = in_threads(ctx, *([submit] * 4))
    statuses = sorted(status for status, _ in results)
    winners = [body for status, body in results if status == 201]
    assert statuses.count(201) >= 1 and set(statuses) <= {201, 409}
    assert len({w["referral_ref"] for w in winners}) == 1  # every 201 is the one first answer
    for status, body in results:
        if status == 409:
            assert body["error"]["code"] == "request_in_progress"
    db.session.rollback()
    for model in (Instance, Family, Referral):
        assert db.session.scalar(select(func.count()).select_from(model)) == 1
