"""Who an identity provider's claims sign in as: the account linked to the issuer + ``sub``, never one
found by a name the provider sends; an existing account is linked only by an administrator."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from engine.identity import create_user
from engine.models import User
from web.extensions import db
from web.ui.auth.store import ACCOUNT_TAKEN, NAME_REFUSED, sign_in_with_oidc
from web.ui.models import LoginState
from web.wiring import get_engine

ISSUER = "https://login.council.example"


def _sign_in(**claims: object) -> tuple[str | None, str | None]:
    outcome = sign_in_with_oidc(ISSUER, dict(claims), "groups", now=get_engine().clock.now())
    return (outcome.user.username if outcome.user else None), outcome.refusal


def _cli_account(username: str) -> None:
    create_user(db.session, username, groups=("case_manager",), now=get_engine().clock.now())
    db.session.commit()


def test_an_account_without_a_password_is_never_taken_over_by_a_name(ctx: Flask) -> None:
    _cli_account("jo.bloggs")  # as `flask users create` makes it: no password
    assert _sign_in(sub="someone-else", preferred_username="jo.bloggs") == (None, ACCOUNT_TAKEN)
    assert db.session.scalar(select(func.count()).select_from(LoginState)
                             .where(LoginState.oidc_subject.is_not(None))) == 0


def test_an_administrator_links_an_account_and_the_sub_signs_in_whatever_the_name(ctx: Flask) -> None:
    _cli_account("jo.bloggs")
    runner = ctx.test_cli_runner()
    linked = runner.invoke(args=["users", "link", "jo.bloggs", "--issuer", ISSUER, "--subject", "7f3a"])
    assert linked.exit_code == 0, linked.output
    assert _sign_in(sub="7f3a", preferred_username="jo.bloggs") == ("jo.bloggs", None)
    assert _sign_in(sub="7f3a", preferred_username="joanne.b") == ("jo.bloggs", None)  # a renamed person
    again = runner.invoke(args=["users", "link", "admin2", "--issuer", ISSUER, "--subject", "7f3a"])
    assert again.exit_code != 0
    _cli_account("admin2")
    taken = runner.invoke(args=["users", "link", "admin2", "--issuer", ISSUER, "--subject", "7f3a"])
    assert taken.exit_code != 0 and "already linked to another account" in taken.output
    assert runner.invoke(args=["users", "link", "jo.bloggs", "--unlink"]).exit_code == 0
    assert _sign_in(sub="7f3a", preferred_username="joanne.b") == ("joanne.b", None)  # a new account now


def test_a_name_no_account_may_have_is_refused_politely(ctx: Flask) -> None:
    assert _sign_in(sub="x1", preferred_username="(public)") == (None, NAME_REFUSED)
    assert db.session.scalar(select(User).where(User.username == "(public)")) is None


def test_a_new_person_gets_an_account_linked_to_their_sub(ctx: Flask) -> None:
    assert _sign_in(sub="n-42", preferred_username="sam.new", name="Sam New") == ("sam.new", None)
    state = db.session.scalar(select(LoginState).where(LoginState.oidc_subject == f"{ISSUER}|n-42"))
    assert state is not None
