"""The web's own sign-in state, written for the sign-in pages: failed attempts and lockouts, ending a
person's sessions, and linking an identity provider's account (web_login_state, web_group_mapping).

Each function is one transaction: it commits (or rolls back) before returning, so a page only renders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.identity import create_user, replace_groups, user_named
from engine.models import User
from web.extensions import db
from web.ui.auth.passwords import SignInResult, check_sign_in, login_state
from web.ui.models import GroupMapping, LoginState


def attempt_sign_in(username: str, password: str, *, now: datetime, attempts: int,
                    lock_minutes: float) -> SignInResult:
    """Checks a local password; the failure count is kept whatever the outcome."""
    result = check_sign_in(db.session(), username, password, now=now, attempts=attempts,
                           lock_minutes=lock_minutes)
    db.session.commit()
    return result


def end_sessions(user: User, now: datetime) -> None:
    """Ends this person's sessions everywhere, copies of the current cookie included."""
    login_state(db.session(), user).sessions_valid_after = now
    db.session.commit()


@dataclass(frozen=True)
class OidcOutcome:
    """The signed-in user, or why they may not sign in (``refusal``)."""

    user: User | None
    refusal: str | None = None


ACCOUNT_TAKEN = "An account with this username already exists. Ask an administrator to link it."
ACCOUNT_OFF = "Your account has been switched off. Ask an administrator."
NAME_REFUSED = "Your council account's username cannot be used here. Ask an administrator to link your account."


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def subject_for(issuer: str, sub: str) -> str:
    """The stable identity of a person at a provider: its issuer and its ``sub`` (never a name: names
    such as ``preferred_username`` are not unique and people can often choose them)."""
    return f"{issuer.rstrip('/')}|{sub}"


def sign_in_with_oidc(issuer: str, claims: dict[str, Any], groups_claim: str, *, now: datetime) -> OidcOutcome:
    """Finds the user linked to the claims' issuer + ``sub``, or creates one for a new person, and sets
    their groups from ``groups_claim``; commits, or rolls back when they are refused."""
    try:
        user = _user_for(db.session(), issuer, claims, groups_claim, now)
    except _Refused as refused:
        db.session.rollback()
        return OidcOutcome(None, refused.message)
    if not user.active:
        db.session.rollback()
        return OidcOutcome(None, ACCOUNT_OFF)
    db.session.commit()
    return OidcOutcome(user)


def _user_for(session: Session, issuer: str, claims: dict[str, Any], groups_claim: str, now: datetime) -> User:
    subject = subject_for(issuer, str(claims["sub"]))
    state = session.scalar(select(LoginState).where(LoginState.oidc_subject == subject))
    if state is not None:
        user = session.get(User, state.user_id)
        assert user is not None
    else:
        # Never linked by name: an existing account, with a password or without (as every account the
        # CLI creates is), is linked only by an administrator (``flask users link``).
        username = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])[:150]
        if user_named(session, username) is not None:
            raise _Refused(ACCOUNT_TAKEN)
        try:
            user = create_user(session, username, groups=(), now=now,
                               display_name=str(claims.get("name") or username)[:255])
        except ValueError as error:  # a name no account may have, such as "(public)"
            raise _Refused(NAME_REFUSED) from error
        user.email = claims.get("email")
        state = LoginState(user_id=user.id, failed_count=0, oidc_subject=subject)
        session.add(state)
    state.last_sign_in_at = now
    claim = claims.get(groups_claim)
    if claim is not None:
        _set_groups(session, user, [claim] if isinstance(claim, str) else [str(v) for v in claim])
    session.flush()
    return user


def link_changes(subject: str | None) -> Callable[[Session, User], None]:
    """An administrator's confirmed link between an account and a provider's issuer + ``sub`` (None
    unlinks), for the transaction that saves the user."""

    def apply(session: Session, user: User) -> None:
        login_state(session, user).oidc_subject = subject

    return apply


def _set_groups(session: Session, user: User, values: list[str]) -> None:
    """A claim value names a group directly or through an administrator's mapping."""
    mapped = set(session.scalars(select(GroupMapping.group_id).where(GroupMapping.claim_value.in_(values))))
    replace_groups(session, user, set(values) | mapped)


def mapping_changes(add: tuple[str, str] | None, remove: list[tuple[str, str]]) -> Callable[[Session], None]:
    """An administrator's changes to the claim value -> group mapping, for workflows/services/users.py to
    run in the transaction that saves the groups."""

    def apply(session: Session) -> None:
        if add is not None:
            session.merge(GroupMapping(claim_value=add[0][:255], group_id=add[1]))
        for value, group_id in remove:
            session.execute(delete(GroupMapping).where(GroupMapping.claim_value == value,
                                                       GroupMapping.group_id == group_id))

    return apply
