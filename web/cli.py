"""Command-line tools: ``flask --app web users create``, ``flask --app web deploy``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from engine.access import Actor
from engine.errors import DeployRefused
from engine.identity import create_user, issue_token
from web.extensions import db, session
from web.wiring import get_engine
from workflows.frameworks import FrameworkError, load_frameworks

DEFAULT_BUNDLE = Path(__file__).resolve().parent.parent / "workflows" / "bpmn"
CLI_DEPLOYER = Actor("cli", frozenset({"admin"}))

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
        user = create_user(session(), username, groups=groups, teams=teams, now=now, display_name=display_name)
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    secret = issue_token(session(), user, now=now, label="cli") if token else None
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
def deploy_command(paths: tuple[Path, ...]) -> None:
    """Deploy .bpmn/.dmn files (or folders of them) as one bundle; by default the BPMN in workflows/."""
    files = bundle_files(paths)
    if not files:
        raise click.ClickException("no .bpmn or .dmn files found")
    check_frameworks()
    try:
        deployed = get_engine().deploy(files, CLI_DEPLOYER)
    except DeployRefused as refused:
        for problem in refused.problems:
            click.echo(f"{problem['file']}:{problem.get('line') or '-'}: {problem['element_id'] or '-'}: "
                       f"{problem['reason']}", err=True)
        raise click.ClickException("deploy refused; nothing was stored") from refused
    for item in deployed:
        click.echo(f"{item.process_id} version {item.version} sha256 {item.sha256[:12]}")


def check_frameworks() -> None:
    """The outcome frameworks the processes' scripts read are validated at every deploy too."""
    try:
        load_frameworks()
    except FrameworkError as error:
        raise click.ClickException(f"outcome framework refused: {error}; nothing was deployed") from error


def register_cli(app: Flask) -> None:
    from web.setup_cli import register_setup_cli

    app.cli.add_command(users)
    app.cli.add_command(deploy_command)
    register_setup_cli(app)
