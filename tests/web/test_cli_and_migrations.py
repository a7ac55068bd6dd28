"""The CLI commands the README documents, and migrations that match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import func, select

from engine.identity import actor_for_token
from engine.models import Base, DefinitionVersion, ProcessVersion, User
from tests.fixtures.app import BPMN
from web.extensions import db
from web.wiring import get_engine
from workflows.frameworks import load_frameworks


def test_users_create_makes_groups_and_prints_a_working_token(ctx: Flask) -> None:
    runner = ctx.test_cli_runner()
    result = runner.invoke(args=["users", "create", "ann", "--group", "case_manager", "--group", "tf_team",
                                 "--team", "north", "--token"])
    assert result.exit_code == 0, result.output
    created, token = result.output.strip().splitlines()
    assert created == "created ann in case_manager, tf_team"
    actor = actor_for_token(db.session(), token, now=get_engine().clock.now())
    assert actor is not None and actor.username == "ann"
    assert actor.groups == {"case_manager", "tf_team"} and actor.teams == {"north"}
    again = runner.invoke(args=["users", "create", "ann", "--group", "admin"])
    assert again.exit_code != 0 and "user 'ann' already exists" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_deploy_command_deploys_files_and_reports_refusals(ctx: Flask, tmp_path: Path) -> None:
    runner = ctx.test_cli_runner()
    runner.invoke(args=["users", "create", "setup", "--group", "case_manager", "--group", "team_manager"])
    result = runner.invoke(args=["deploy", str(BPMN / "review.bpmn")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("review version 1 sha256 ")
    assert result.output.rstrip().endswith("(published)")
    published = db.session.scalars(select(ProcessVersion)).one()
    assert published.note == f"Deployed from {BPMN / 'review.bpmn'} by deploy"  # the default change note
    noted = runner.invoke(args=["deploy", "--note", "Nothing changed", str(BPMN / "review.bpmn")])
    assert noted.output.rstrip().endswith("(unchanged)")
    broken = tmp_path / "broken.bpmn"
    broken.write_text("<bpmn:definitions")
    refused = runner.invoke(args=["deploy", str(broken)])
    assert refused.exit_code != 0
    assert "broken.bpmn:1: -: -: XML does not parse" in refused.output
    assert "deploy refused; nothing was stored" in refused.output
    assert db.session.scalar(select(func.count()).select_from(DefinitionVersion)) == 1


def test_deploy_command_names_the_process_element_and_line_of_a_refusal(ctx: Flask, tmp_path: Path) -> None:
    runner = ctx.test_cli_runner()
    timer = tmp_path / "timer.bpmn"
    timer.write_text(
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">\n'
        '  <bpmn:process id="p" isExecutable="true">\n'
        '    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
        '    <bpmn:intermediateCatchEvent id="wait" name="Wait"><bpmn:incoming>f1</bpmn:incoming>\n'
        '      <bpmn:timerEventDefinition><bpmn:timeDuration>P14D</bpmn:timeDuration></bpmn:timerEventDefinition>\n'
        '    </bpmn:intermediateCatchEvent>\n'
        '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />\n'
        '  </bpmn:process>\n</bpmn:definitions>\n')
    refused = runner.invoke(args=["deploy", str(timer)])
    assert refused.exit_code != 0
    assert ("timer.bpmn:5: p: wait 'Wait': timer duration P14D is not in quotes: this engine evaluates a timer "
            "as a Python expression, so P14D is read as the name of a variable and the timer would fail when an "
            'instance reached it (write it in quotes: "P14D")') in refused.output
    assert db.session.scalar(select(func.count()).select_from(DefinitionVersion)) == 0


def test_the_migrations_create_exactly_the_models(ctx: Flask) -> None:
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_deploy_validates_the_outcome_frameworks_first(ctx: Flask, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import web.cli

    broken = tmp_path / "frameworks"
    broken.mkdir()
    (broken / "fop-2099.yaml").write_text("id: fop-2099\nindicators: []\n")
    monkeypatch.setattr(web.cli, "load_frameworks", lambda: load_frameworks(broken))
    runner = ctx.test_cli_runner()
    runner.invoke(args=["users", "create", "setup", "--group", "case_manager", "--group", "team_manager"])
    refused = runner.invoke(args=["deploy", str(BPMN / "review.bpmn")])
    assert refused.exit_code != 0
    assert "outcome framework refused: fop-2099.yaml" in refused.output
    assert "nothing was deployed" in refused.output
    assert db.session.scalar(select(func.count()).select_from(DefinitionVersion)) == 0
