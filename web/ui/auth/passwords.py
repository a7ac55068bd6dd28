"""Local passwords: argon2id hashes, and the lockout after repeated failures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import User
from web.ui.models import LoginState

MIN_LENGTH = 12
hasher = PasswordHasher()
# Checked when the username is unknown, so a wrong username takes as long as a wrong password.
_DUMMY_HASH = hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    locked_until: datetime | None = None


def password_problem(password: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > 1000:
        return "Password must be 1000 characters or less"
    return None


def set_password(session: Session, user: User, password: str, *, now: datetime | None = None) -> None:
    """A new hash; clears a lockout and, given ``now``, ends the person's other sessions."""
    user.password_hash = hasher.hash(password)
    state = login_state(session, user)
    state.failed_count = 0
    state.locked_until = None
    if now is not None:
        state.sessions_valid_after = now


def credential_changes(password: str, *, unlock: bool, now: datetime) -> Callable[[Session, User], None]:
    """An administrator's changes to someone's sign-in, for workflows/services/users.py to run in the
    transaction that saves the user: a new password when given, then the lockout lifted when asked."""

    def apply(session: Session, user: User) -> None:
        if password:
            set_password(session, user, password, now=now)
        if unlock:
            state = session.get(LoginState, user.id)
            if state is not None:
                state.locked_until, state.failed_count = None, 0

    return apply


def login_state(session: Session, user: User) -> LoginState:
    state = session.get(LoginState, user.id)
    if state is None:
        state = LoginState(user_id=user.id, failed_count=0)
        session.add(state)
    return state


def _verify(stored: str | None, password: str) -> bool:
    try:
        return hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def check_sign_in(session: Session, username: str, password: str, *, now: datetime, attempts: int,
                  lock_minutes: int) -> SignInResult:
    """The user when the password is right and the account is open; counts failures and locks."""
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        _verify(None, password)
        return SignInResult(None)
    state = login_state(session, user)
    if state.locked_until is not None and state.locked_until > now:
        return SignInResult(None, locked_until=state.locked_until)
    if not _verify(user.password_hash, password):
        state.failed_count = (state.failed_count or 0) + 1
        if state.failed_count >= attempts:
            state.failed_count = 0
            state.locked_until = now + timedelta(minutes=lock_minutes)
            return SignInResult(None, locked_until=state.locked_until)
        return SignInResult(None)
    assert user.password_hash is not None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    state.failed_count = 0
    state.locked_until = None
    state.last_sign_in_at = now
    return SignInResult(user)
