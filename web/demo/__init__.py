"""The demo: a council with about 50 families at every stage, replayed through the API (replay.py).

A checkout and an editable install have it; the built wheel leaves web/demo/ out (pyproject.toml), so a
council's installation has no demo users and no demo password. web/cli.py registers ``flask --app web
demo`` and runs ``load_if_empty`` at the end of ``flask --app web setup`` only when this package is there.
"""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import func, select

from web.demo.replay import run_demo
from web.extensions import db
from workflows.models import Family


def _has_families() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Family)))


def _load() -> None:
    count = run_demo(current_app._get_current_object(), say=click.echo)  # type: ignore[attr-defined]
    click.echo(f"demo loaded: {count} families")


def load_if_empty() -> None:
    """``flask --app web setup``'s last step: the demo, into a database that has no families yet."""
    if not _has_families():
        _load()


@click.command("demo")
def demo_command() -> None:
    """Replay two years of families through the API (refused when the database already has families)."""
    if _has_families():
        raise click.ClickException("the database already has families; the demo needs an empty one")
    _load()
