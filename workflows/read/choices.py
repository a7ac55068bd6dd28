"""People, groups and teams to choose from on the pages: a team's members to assign to, the groups an
inbox filters on, the case managers and teams a task's form offers. Active people only, capped lists."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor
from engine.models import Group, GroupMember, Team, TeamMember, User
from workflows.access import Role

MAX_CHOICES = 500


def team_members(session: Session, teams: Iterable[str]) -> list[tuple[str, str]]:
    """(username, display name) of the active members of ``teams``, by name."""
    rows = session.execute(
        select(User.username, User.display_name).join(TeamMember, TeamMember.user_id == User.id)
        .where(TeamMember.team_id.in_(sorted(teams)), User.active.is_(True))
        .distinct().order_by(User.display_name).limit(MAX_CHOICES)).all()
    return [(username, name) for username, name in rows]


def group_choices(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """(id, label) of the actor's groups (every group for an administrator), by label."""
    query = select(Group.id, Group.label).order_by(Group.label)
    if not actor.is_admin:
        query = query.where(Group.id.in_(sorted(actor.groups)))
    return [(group_id, label) for group_id, label in session.execute(query).all()]


def case_managers(session: Session) -> list[tuple[str, str]]:
    """(username, display name) of the active case managers, by name."""
    rows = session.execute(
        select(User.username, User.display_name).join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == Role.CASE_MANAGER, User.active.is_(True)).order_by(User.display_name)
        .limit(MAX_CHOICES)).all()
    return [(username, name) for username, name in rows]


def team_choices(session: Session) -> list[tuple[str, str]]:
    """(id, name) of every team, by name."""
    rows = session.execute(select(Team.id, Team.name).order_by(Team.name).limit(MAX_CHOICES)).all()
    return [(team_id, name) for team_id, name in rows]
