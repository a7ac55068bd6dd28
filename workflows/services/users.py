"""People and groups, changed by administrators: a user's details, groups and teams; group labels.

These write the engine's identity tables (``app_user``, ``user_group``, memberships), which no process
owns, so outside an engine step: a change applies to the next task a person is offered. Sign-in state
(password hashes, lockouts) and the identity provider's group mapping are the web layer's tables, so the
caller hands their changes in as ``also``, run in the same transaction before the one commit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.access import Actor
from engine.identity import create_user, ensure_group, ensure_team
from engine.models import Group, GroupMember, TeamMember, User
from workflows.errors import Invalid, NotAllowed, NotFound

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_.-]{1,99}$")
USERNAME_FORMAT = "Enter a username of 2 to 100 lower-case letters, digits, dots, dashes or underscores"
USERNAME_TAKEN = "A user with this username already exists"
NAME_REQUIRED = "Enter the person's name"
GROUP_FORMAT = "Enter a group id of lower-case letters, digits and underscores"

AlsoForUser = Callable[[Session, User], None]
AlsoForGroups = Callable[[Session], None]


@dataclass(frozen=True)
class UserDetails:
    display_name: str
    email: str | None
    active: bool
    groups: frozenset[str]
    teams: frozenset[str]


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed("only administrators change users and groups")


def user_problems(db: Session, username: str | None, display_name: str) -> dict[str, str]:
    """Field -> message, in the order a page lists them; ``username`` is None for an existing user."""
    found: dict[str, str] = {}
    if username is not None and not IDENTIFIER.match(username):
        found["username"] = USERNAME_FORMAT
    elif username is not None and db.scalar(select(User.id).where(User.username == username)):
        found["username"] = USERNAME_TAKEN
    if not display_name:
        found["display_name"] = NAME_REQUIRED
    return found


def save_user(db: Session, actor: Actor, user_id: int | None, username: str, details: UserDetails, *,
              now: datetime, also: AlsoForUser | None = None) -> User:
    """A new user (``user_id`` None, named ``username``) or an existing one's details, groups and teams
    replaced. Invalid with the field messages; NotFound for an unknown ``user_id``."""
    require_admin(actor)
    user = db.get(User, user_id) if user_id is not None else None
    if user_id is not None and user is None:
        raise NotFound(f"user {user_id} not found")
    found = user_problems(db, None if user else username, details.display_name)
    if found:
        raise Invalid("the user has errors", details={field: [text] for field, text in found.items()})
    if user is None:
        user = create_user(db, username, groups=sorted(details.groups), teams=sorted(details.teams), now=now,
                           display_name=details.display_name)
    else:
        db.execute(delete(GroupMember).where(GroupMember.user_id == user.id))
        db.execute(delete(TeamMember).where(TeamMember.user_id == user.id))
        db.flush()
        for group_id in sorted(details.groups):
            db.add(GroupMember(user_id=user.id, group_id=ensure_group(db, group_id).id))
        for team_id in sorted(details.teams):
            db.add(TeamMember(user_id=user.id, team_id=ensure_team(db, team_id).id))
    user.display_name = details.display_name
    user.email = details.email
    user.active = details.active
    if also is not None:
        also(db, user)
    db.commit()
    return user


def group_problems(new_id: str) -> dict[str, str]:
    return {"new_id": GROUP_FORMAT} if new_id and not IDENTIFIER.match(new_id) else {}


def save_groups(db: Session, actor: Actor, labels: Mapping[str, str], new_id: str = "", new_label: str = "", *,
                also: AlsoForGroups | None = None) -> None:
    """Relabels the groups named in ``labels`` (blank labels ignored, 255 characters kept) and adds
    ``new_id`` when given. Invalid for a malformed new id."""
    require_admin(actor)
    found = group_problems(new_id)
    if found:
        raise Invalid("the groups have errors", details={field: [text] for field, text in found.items()})
    for group in db.scalars(select(Group)):
        label = labels.get(group.id, "").strip()
        if label:
            group.label = label[:255]
    if new_id:
        ensure_group(db, new_id, new_label or None)
    if also is not None:
        also(db)
    db.commit()
