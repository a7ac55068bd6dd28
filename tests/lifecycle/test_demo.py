"""``flask --app web setup`` on an empty database: groups, teams, the lifecycle deployed and the demo."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from engine.models import ApiToken, HumanTask, Instance, TaskStatus
from web.extensions import db
from workflows.models import Claim, Family, Outcome


def test_setup_loads_a_living_service(ctx: Flask) -> None:
    result = ctx.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "demo loaded: 48 families" in result.output

    def count(*where: object, model: object = Family) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]

    assert count(Family.status == "closed") >= 20 and count(Family.status == "provisional") >= 5
    assert count(Instance.status == "error", model=Instance) == 0
    assert count(Claim.state == "paid", model=Claim) == 2
    assert count(Outcome.status == "broken", model=Outcome) >= 1
    stages = set(db.session.scalars(select(HumanTask.bpmn_id).where(HumanTask.state == TaskStatus.OPEN)))
    assert {"triage_referral", "allocate", "assess", "review"} <= stages
    assert count(ApiToken.revoked_at.is_(None), model=ApiToken) == 0  # the demo's own tokens are revoked
    again = ctx.test_cli_runner().invoke(args=["setup"])  # idempotent: no second demo
    assert again.exit_code == 0 and "demo loaded" not in again.output
