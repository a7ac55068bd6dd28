"""Local passwords: argon2id hashes, and the lockout after repeated failures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.identity import revoke_tokens
from engine.models import User
from web.ui.models import LoginState

MIN_LENGTH = 12
hasher = PasswordHasher()
# Checked when the username is unknown, so a wrong username takes as long as a wrong password.
_DUMMY_HASH = hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class SignInResult:
    """The user, or None whatever the reason (a wrong password, an unknown name, a locked account)."""

    user: User | None


def password_problem(password: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > 1000:
        return "Password must be 1000 characters or less"
    return None


def set_password(session: Session, user: User, password: str, *, now: datetime | None = None) -> None:
    """A new hash; clears a lockout and, given ``now``, ends the person's other sessions and revokes their
    API tokens (whoever knew the old password may have made one)."""
    user.password_hash = hasher.hash(password)
    state = login_state(session, user)
    state.failed_count = 0
    state.locked_until = None
    if now is not None:
        state.sessions_valid_after = now
        revoke_tokens(session, user, now=now)


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


def _ensure_login_state(session: Session, user_id: int) -> None:
    """The row the failure count lives in, made once; two first attempts at once both find it."""
    if session.get(LoginState, user_id) is not None:
        return
    try:
        with session.begin_nested():
            session.add(LoginState(user_id=user_id, failed_count=0))
    except IntegrityError:
        pass  # a parallel attempt made it first


def _reserve_attempt(session: Session, user_id: int, now: datetime) -> int | None:
    """Counts this attempt as a failure before the password is checked, in one atomic UPDATE ... RETURNING
    (the database serialises parallel attempts on the row): the attempt's number, or None while locked.
    Counting first means parallel guesses cannot all be checked before any of them is counted."""
    return session.execute(
        update(LoginState)
        .where(LoginState.user_id == user_id, or_(LoginState.locked_until.is_(None), LoginState.locked_until <= now))
        .values(failed_count=LoginState.failed_count + 1)
        .returning(LoginState.failed_count)
        .execution_options(synchronize_session=False)
    ).scalar()


def _set_state(session: Session, user_id: int, **values: object) -> None:
    session.execute(update(LoginState).where(LoginState.user_id == user_id).values(**values)
                    .execution_options(synchronize_session=False))


def check_sign_in(session: Session, username: str, password: str, *, now: datetime, attempts: int,
                  lock_minutes: float) -> SignInResult:
    """The user when the password is right and the account is open. Every attempt counts as a failure
    until its password proves right; the ``attempts``-th failure locks the account for ``lock_minutes``
    (later attempts, the right password included, are refused unchecked until then, and do not extend it).
    A locked account and an unknown name take as long as a wrong password, and answer the same."""
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        _verify(None, password)
        return SignInResult(None)
    _ensure_login_state(session, user.id)
    number = _reserve_attempt(session, user.id, now)
    session.commit()  # counted before the slow check, so parallel attempts do not queue on the row's lock
    if number is None or number > attempts:
        _verify(None, password)
        return SignInResult(None)
    if not _verify(user.password_hash, password):
        if number == attempts:
            _set_state(session, user.id, failed_count=0, locked_until=now + timedelta(minutes=lock_minutes))
        return SignInResult(None)
    assert user.password_hash is not None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    _set_state(session, user.id, failed_count=0, last_sign_in_at=now)
    return SignInResult(user)
