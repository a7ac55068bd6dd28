"""Command-line tools: ``flask --app web users create``, ``deploy`` and ``setup`` (and ``demo`` in a checkout)."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from engine.access import Actor
from engine.errors import DeployRefused
from engine.identity import create_user, issue_token
from web.council import ensure_groups, ensure_teams
from web.extensions import db
from web.wiring import get_engine
from workflows.access import Role
from workflows.frameworks import FrameworkError, load_frameworks

DEFAULT_BUNDLE = Path(__file__).resolve().parent.parent / "workflows" / "bpmn"
CLI_DEPLOYER = Actor("cli", frozenset({Role.ADMIN}))

users = AppGroup("users", help="Manage users.")


@users.command("create")
@click.argument("username")
@click.option("--group", "groups", multiple=True, required=True, help="A group id; repeat for more.")
@click.option("--team", "teams", multiple=True, help="A team id; repeat for more.")
@click.option("--name", "display_name", default=None, help="The name people see.")
@click.option("--token", is_flag=True, help="Also issue an API bearer token and print it (shown once).")
def create_user_command(username: str, groups: tuple[str, ...], teams: tuple[str, ...], display_name: str | None,
                        token: bool) -> None:
    """Create USERNAME in the given groups (groups and teams that do not exist yet are created)."""
    now = get_engine().clock.now()
    try:
        user = create_user(db.session(), username, groups=groups, teams=teams, now=now, display_name=display_name)
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    lifetime = timedelta(days=float(current_app.config["API_TOKEN_DAYS"]))
    secret = issue_token(db.session(), user, now=now, label="cli", lifetime=lifetime) if token else None
    db.session.commit()
    click.echo(f"created {username} in {', '.join(groups)}")
    if secret:
        click.echo(secret)


def bundle_files(paths: tuple[Path, ...]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for path in paths or (DEFAULT_BUNDLE,):
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.is_file() and candidate.suffix.lower() in (".bpmn", ".dmn"):
                if candidate.name in files:
                    raise click.ClickException(f"two files are named {candidate.name}")
                files[candidate.name] = candidate.read_bytes()
    return files


@click.command("deploy")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--note", default=None,
              help="The change note the versions record (default: where the files came from).")
def deploy_command(paths: tuple[Path, ...], note: str | None) -> None:
    """Deploy .bpmn/.dmn files (or folders of them) as one bundle; by default the BPMN in workflows/."""
    files = bundle_files(paths)
    if not files:
        raise click.ClickException("no .bpmn or .dmn files found")
    check_frameworks()
    try:
        deployed = get_engine().deploy(files, CLI_DEPLOYER, note or default_note(paths, "deploy"))
    except DeployRefused as refused:
        for problem in refused.problems:
            click.echo(problem_line(problem), err=True)
        raise click.ClickException("deploy refused; nothing was stored") from refused
    for item in deployed:
        outcome = "published" if item.created else "unchanged"
        click.echo(f"{item.process_id} version {item.version} sha256 {item.sha256[:12]} ({outcome})")


def default_note(paths: tuple[Path, ...], command: str) -> str:
    """The change note a command line deploy records when none is given: where the files came from."""
    where = ", ".join(str(p) for p in paths) if paths else "workflows/"
    return f"Deployed from {where} by {command}"


def problem_line(problem: dict[str, Any]) -> str:
    """One refusal as ``file:line: process: element 'name': reason (fix)``, as the API's details say it."""
    name = f" '{problem['element_name']}'" if problem.get("element_name") else ""
    return (f"{problem['file']}:{problem.get('line') or '-'}: {problem.get('process_id') or '-'}: "
            f"{problem.get('element_id') or '-'}{name}: {problem['reason']}"
            + (f" ({problem['fix']})" if problem.get("fix") else ""))


def check_frameworks() -> None:
    """The outcome frameworks the processes' scripts read are validated at every deploy too."""
    try:
        load_frameworks()
    except FrameworkError as error:
        raise click.ClickException(f"outcome framework refused: {error}; nothing was deployed") from error


def demo_installed() -> bool:
    """web/demo/ is in a checkout and an editable install; the built wheel leaves it out."""
    return importlib.util.find_spec("web.demo") is not None


@click.command("setup")
@click.option("--demo/--no-demo", default=True,
              help="Load the demo families when the database has none (where the demo is installed).")
def setup_command(demo: bool) -> None:
    """Create the groups and teams, deploy workflows/bpmn, and load the demo into an empty database."""
    ensure_groups(db.session())
    ensure_teams(db.session())
    db.session.commit()
    check_frameworks()
    try:
        deployed = get_engine().deploy(bundle_files((DEFAULT_BUNDLE,)), CLI_DEPLOYER, default_note((), "setup"))
    except DeployRefused as refused:
        raise click.ClickException(f"deploy refused: {refused.message}") from refused
    click.echo("deployed " + ", ".join(f"{d.process_id} version {d.version}" for d in deployed))
    if demo and demo_installed():
        from web.demo import load_if_empty

        load_if_empty()


def register_cli(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(deploy_command)
    app.cli.add_command(setup_command)
    if demo_installed():
        from web.demo import demo_command

        app.cli.add_command(demo_command)
