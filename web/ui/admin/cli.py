"""``flask --app web users password NAME``: set a local account's password; ``users link``: link an
account to a person at the council's identity provider."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from engine.models import User
from web.cli import users
from web.extensions import db
from web.ui.auth.passwords import password_problem, set_password
from web.ui.auth.store import link_changes, subject_for
from web.ui.models import LoginState
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


@users.command("link")
@click.argument("username")
@click.option("--issuer", default=None, help="The provider's issuer URL (default: OIDC_ISSUER).")
@click.option("--subject", "sub", default=None, help="The person's 'sub' claim at the provider.")
@click.option("--unlink", is_flag=True, help="Remove the account's link instead.")
def link_command(username: str, issuer: str | None, sub: str | None, unlink: bool) -> None:
    """Link USERNAME to the provider's ISSUER + SUBJECT, the only way an existing account signs in with it."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    subject = None
    if not unlink:
        issuer = issuer or current_app.config.get("OIDC_ISSUER")
        if not issuer or not sub:
            raise click.ClickException("give --subject (and --issuer when OIDC_ISSUER is not set), or --unlink")
        subject = subject_for(issuer, sub)
        taken = db.session.scalar(select(LoginState).where(LoginState.oidc_subject == subject))
        if taken is not None and taken.user_id != user.id:
            raise click.ClickException("that identity is already linked to another account")
    link_changes(subject)(db.session(), user)
    db.session.commit()
    click.echo(f"{username} linked to {subject}" if subject else f"{username} unlinked")
