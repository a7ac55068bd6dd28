"""``flask --app web setup`` on an empty database: groups, teams, the lifecycle deployed and, in a checkout, the demo;
the built wheel leaves the demo out."""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.models import ApiToken, Group, HumanTask, Instance, TaskStatus, Team
from web import create_app
from web.demo.people import DEMO_PASSWORD
from web.extensions import db
from workflows.models import Claim, Family, Outcome

ROOT = Path(__file__).resolve().parents[2]

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


def test_without_the_demo_package_setup_only_sets_up_and_there_is_no_demo_command(
        ctx: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The built wheel has no web/demo/: what a council installs sets up groups, teams and the lifecycle."""
    monkeypatch.setitem(sys.modules, "web.demo", None)  # find_spec answers None, as for a missing package
    result = ctx.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "deployed " in result.output and "demo" not in result.output
    assert db.session.scalar(select(func.count()).select_from(Family)) == 0
    assert db.session.get(Group, "early_help_unit") is not None and db.session.get(Team, "ashfield-ehcm") is not None
    installed = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SCHEDULER_ENABLED": False,
                            "INSTANCE_PATH": str(tmp_path)})
    assert {"setup", "deploy", "users"} <= set(installed.cli.commands) and "demo" not in installed.cli.commands
    assert "demo" in ctx.cli.commands  # a checkout has it


def test_the_wheel_leaves_the_demo_out_and_keeps_the_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    from setuptools.config.pyprojecttoml import read_configuration

    monkeypatch.chdir(ROOT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # setuptools calls its [tool.setuptools] support beta
        setuptools = read_configuration(ROOT / "pyproject.toml")["tool"]["setuptools"]
    packages = set(setuptools["packages"])
    assert not {p for p in packages if p == "web.demo" or p.startswith("web.demo.")}
    assert {"web", "web.ui", "web.ui.templates.ui.components", "web.ui.static", "web.migrations.versions",
            "workflows.bpmn"} <= packages
    assert {"*.html", "*.css", "*.js", "*.bpmn"} <= set(setuptools["package-data"][""])  # "*": every package
