"""Users, groups, teams and API tokens: who an actor is and what they belong to."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from engine.access import Actor
from engine.models import ApiToken, Group, GroupMember, Team, TeamMember, User

TOKEN_BYTES = 32
TOKEN_LIFETIME = timedelta(days=90)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ensure_group(session: Session, group_id: str, label: str | None = None) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        group = Group(id=group_id, label=label or group_id.replace("_", " ").capitalize())
        session.add(group)
    elif label:
        group.label = label
    return group


def ensure_team(session: Session, team_id: str, name: str | None = None) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        team = Team(id=team_id, name=name or team_id)
        session.add(team)
    elif name:
        team.name = name
    return team


def create_user(
    session: Session,
    username: str,
    *,
    groups: Iterable[str],
    now: datetime,
    display_name: str | None = None,
    teams: Iterable[str] = (),
) -> User:
    """Create a user in the given groups (creating groups and teams that do not exist yet)."""
    if username.startswith("(") or not username.strip():
        # Names in brackets are pseudo-actors, such as a signed-out member of the public who refers a
        # family: an account with that name would read their submissions.
        raise ValueError(f"'{username}' cannot be a username")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ValueError(f"user '{username}' already exists")
    user = User(username=username, display_name=display_name or username, created_at=now, active=True)
    session.add(user)
    session.flush()
    for group_id in dict.fromkeys(groups):
        ensure_group(session, group_id)
        session.flush()
        session.add(GroupMember(user_id=user.id, group_id=group_id))
    for team_id in dict.fromkeys(teams):
        ensure_team(session, team_id)
        session.flush()
        session.add(TeamMember(user_id=user.id, team_id=team_id))
    session.flush()
    return user


def issue_token(session: Session, user: User, *, now: datetime, label: str | None = None,
                lifetime: timedelta = TOKEN_LIFETIME) -> str:
    """A new bearer token for the user, valid for ``lifetime``; only its digest is stored, so it is shown once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(ApiToken(user_id=user.id, token_sha256=token_digest(token), label=label, created_at=now,
                         expires_at=now + lifetime))
    session.flush()
    return token


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """A person's tokens, newest first, revoked and expired ones included (never the secrets)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.id.desc())))


def revoke_token(session: Session, token_id: int, by: Actor, *, now: datetime) -> ApiToken | None:
    """Revokes one token, its owner's or, for an administrator, anyone's; None when there is no such
    token for ``by`` (the same answer whether it does not exist or is someone else's)."""
    token = session.get(ApiToken, token_id)
    owner = session.get(User, token.user_id) if token is not None else None
    if token is None or owner is None or (owner.username != by.username and not by.is_admin):
        return None
    if token.revoked_at is None:
        token.revoked_at = now
    session.flush()
    return token


def revoke_tokens(session: Session, user: User, *, now: datetime) -> None:
    """Every live token of the person, as when their password changes."""
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=now).execution_options(synchronize_session=False))


def actor_for(session: Session, user: User) -> Actor:
    groups = frozenset(session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user.id)))
    teams = frozenset(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user.id)))
    return Actor(username=user.username, groups=groups, teams=teams)


def actor_for_token(session: Session, token: str, *, now: datetime) -> Actor | None:
    """The token's owner while it is neither revoked nor expired and they are active."""
    user = session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_sha256 == token_digest(token), ApiToken.revoked_at.is_(None),
               ApiToken.expires_at > now, User.active.is_(True))
    )
    return actor_for(session, user) if user is not None else None


def user_named(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def replace_groups(session: Session, user: User, group_ids: Iterable[str]) -> None:
    """The user's groups become those of ``group_ids`` that exist (unknown ids are dropped)."""
    wanted = set(group_ids)
    known = set(session.scalars(select(Group.id).where(Group.id.in_(wanted)))) if wanted else set()
    session.execute(delete(GroupMember).where(GroupMember.user_id == user.id))
    for group_id in sorted(known):
        session.add(GroupMember(user_id=user.id, group_id=group_id))
