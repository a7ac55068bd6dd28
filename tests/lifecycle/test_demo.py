"""``flask --app web setup`` on an empty database: groups, teams, the lifecycle deployed and the demo."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import func, select

from engine.models import ApiToken, HumanTask, Instance, TaskStatus
from web.demo_people import DEMO_PASSWORD
from web.extensions import db
from workflows.models import Claim, Family, Outcome

# The README's demo users: where each lands, and what there shows they have something to do.
LANDINGS = [
    ("ehu1", "/inbox", 'href="/tasks/'), ("cm-ashfield-ehcm", "/inbox", 'href="/tasks/'),
    ("tm-ashfield-ehcm", "/inbox", 'href="/tasks/'), ("pft1", "/inbox", 'href="/tasks/'),
    ("tf1", "/inbox", 'href="/tasks/'), ("pm1", "/dashboard", "Families by stage and district"),
    ("co1", "/dashboard", "Claims by window and state"), ("owner1", "/admin/definitions", "family_referral"),
    ("admin1", "/admin/users", "ehu1"), ("partner", "/refer", "Start now"),
]


def assert_lands_with_work(app: Flask, username: str, lands_on: str, shows: str) -> None:
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").get_data(as_text=True))
    assert token is not None
    page = client.post("/sign-in", data={"csrf_token": token.group(1), "username": username,
                                         "password": DEMO_PASSWORD}, follow_redirects=True)
    assert (page.status_code, page.request.path) == (200, lands_on), username
    assert shows in page.get_data(as_text=True), f"{username} lands on {lands_on} with nothing to do"


def test_setup_loads_a_living_service(ctx: Flask) -> None:
    result = ctx.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "demo loaded: 50 families" in result.output

    def count(*where: object, model: object = Family) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]

    assert count(Family.status == "closed") >= 20 and count(Family.status == "provisional") >= 5
    assert count(Instance.status == "error", model=Instance) == 0
    assert count(Claim.state == "paid", model=Claim) == 2
    assert count(Outcome.status == "broken", model=Outcome) >= 1
    stages = set(db.session.scalars(select(HumanTask.bpmn_id).where(HumanTask.state == TaskStatus.OPEN)))
    assert {"triage_referral", "allocate", "assess", "review"} <= stages
    assert count(ApiToken.revoked_at.is_(None), model=ApiToken) == 0  # the demo's own tokens are revoked
    for username, lands_on, shows in LANDINGS:
        assert_lands_with_work(ctx, username, lands_on, shows)
    again = ctx.test_cli_runner().invoke(args=["setup"])  # idempotent: no second demo
    assert again.exit_code == 0 and "demo loaded" not in again.output
