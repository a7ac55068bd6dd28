"""``flask --app web users password NAME``: set a local account's password."""

from __future__ import annotations

import click
from sqlalchemy import select

from engine.models import User
from web.cli import users
from web.extensions import db
from web.ui.auth.passwords import password_problem, set_password
from web.wiring import get_engine


@users.command("password")
@click.argument("username")
@click.option("--password", default=None, help="The new password (prompted for, hidden, when omitted).")
def password_command(username: str, password: str | None) -> None:
    """Set USERNAME's password (argon2id hash); also clears a lockout."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    set_password(db.session(), user, password, now=get_engine().clock.now())
    db.session.commit()
    click.echo(f"password set for {username}")
