"""``flask --app web setup`` (groups, teams, the lifecycle deployed, the demo on an empty database) and
``flask --app web demo``."""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from engine.errors import DeployRefused
from web.cli import CLI_DEPLOYER, DEFAULT_BUNDLE, bundle_files, check_frameworks
from web.demo_people import ensure_groups, ensure_teams
from web.extensions import db, session
from web.wiring import get_engine
from workflows.models import Family


def _has_families() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Family)))


@click.command("setup")
@click.option("--demo/--no-demo", default=True, help="Load the demo families when the database has none.")
def setup_command(demo: bool) -> None:
    """Create the groups and teams, deploy workflows/bpmn, and load the demo into an empty database."""
    ensure_groups(session())
    ensure_teams(session())
    db.session.commit()
    check_frameworks()
    try:
        deployed = get_engine().deploy(bundle_files((DEFAULT_BUNDLE,)), CLI_DEPLOYER)
    except DeployRefused as refused:
        raise click.ClickException(f"deploy refused: {refused.message}") from refused
    click.echo(f"deployed {', '.join(sorted(d.process_id for d in deployed))} (version {deployed[0].version})")
    if demo and not _has_families():
        _run_demo()


@click.command("demo")
def demo_command() -> None:
    """Replay two years of families through the API (refused when the database already has families)."""
    if _has_families():
        raise click.ClickException("the database already has families; the demo needs an empty one")
    _run_demo()


def _run_demo() -> None:
    from web.demo import run_demo

    count = run_demo(current_app._get_current_object(), say=click.echo)  # type: ignore[attr-defined]
    click.echo(f"demo loaded: {count} families")


def register_setup_cli(app: Flask) -> None:
    app.cli.add_command(setup_command)
    app.cli.add_command(demo_command)
