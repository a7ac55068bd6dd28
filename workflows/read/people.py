"""Users, groups and teams for the administrators' pages: who is in which group and team.

Lists are bounded by the caller's limit; memberships are read for the listed ids only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import Group, GroupMember, Team, TeamMember, User


@dataclass(frozen=True)
class UserList:
    """Users by username, with each one's group labels and team names (by user id, sorted)."""

    users: Sequence[User]
    groups: dict[int, list[str]]
    teams: dict[int, list[str]]


def users_with_memberships(session: Session, *, limit: int) -> UserList:
    users = session.scalars(select(User).order_by(User.username).limit(limit)).all()
    ids = [u.id for u in users]
    groups: dict[int, list[str]] = {}
    for user_id, label in session.execute(select(GroupMember.user_id, Group.label).join(Group).where(
            GroupMember.user_id.in_(ids)).order_by(Group.label)):
        groups.setdefault(user_id, []).append(label)
    teams: dict[int, list[str]] = {}
    for user_id, name in session.execute(select(TeamMember.user_id, Team.name).join(Team).where(
            TeamMember.user_id.in_(ids)).order_by(Team.name)):
        teams.setdefault(user_id, []).append(name)
    return UserList(users, groups, teams)


def group_choices(session: Session) -> Sequence[tuple[str, str]]:
    """Every group as (id, label), by label."""
    return session.execute(select(Group.id, Group.label).order_by(Group.label)).all()


def team_choices(session: Session, *, limit: int) -> Sequence[tuple[str, str]]:
    """Teams as (id, name), by name."""
    return session.execute(select(Team.id, Team.name).order_by(Team.name).limit(limit)).all()


def group_ids(session: Session, user_id: int) -> set[str]:
    return set(session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user_id)))


def team_ids(session: Session, user_id: int) -> set[str]:
    return set(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user_id)))


def groups_with_member_counts(session: Session) -> Sequence[tuple[Group, int]]:
    """Every group by id, with how many people are in it."""
    return session.execute(select(Group, func.count(GroupMember.user_id)).outerjoin(GroupMember)
                           .group_by(Group.id).order_by(Group.id)).all()


def teams_with_members(session: Session, *, limit: int) -> tuple[Sequence[Team], dict[str, list[User]]]:
    """Teams by name, and each listed team's members by display name (by team id)."""
    teams = session.scalars(select(Team).order_by(Team.name).limit(limit)).all()
    members: dict[str, list[User]] = {}
    for team_id, user in session.execute(select(TeamMember.team_id, User).join(User).where(
            TeamMember.team_id.in_([t.id for t in teams])).order_by(User.display_name)):
        members.setdefault(team_id, []).append(user)
    return teams, members
