"""People, groups and teams to choose from on the pages: a team's members to assign to, the groups an
inbox filters on, the case managers and teams a task's form offers. Active people only, capped lists."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.access import Actor
from engine.models import Group, GroupMember, Team, TeamMember, User
from workflows.access import Role
from workflows.models import Family

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


def _team_case_managers(team: str) -> Select[str, str]:
    return (select(User.username, User.display_name).join(GroupMember, GroupMember.user_id == User.id)
            .join(TeamMember, TeamMember.user_id == User.id)
            .where(GroupMember.group_id == Role.CASE_MANAGER, TeamMember.team_id == team, User.active.is_(True)))


def is_team_case_manager(session: Session, team: str, username: str) -> bool:
    """The allocation form's rule: an active case manager who is a member of ``team``."""
    return session.execute(_team_case_managers(team).where(User.username == username).limit(1)).first() is not None


def team_case_managers(session: Session, team: str) -> list[tuple[str, str]]:
    """(username, "Name (caseload N)") of the team's active case managers, by name: the open families each
    leads, so the allocator sees who has room."""
    caseload = (select(func.count(Family.id)).where(Family.case_manager == User.username, Family.status == "open")
                .correlate(User).scalar_subquery())
    rows = session.execute(_team_case_managers(team).add_columns(caseload).order_by(User.display_name)
                           .limit(MAX_CHOICES)).all()
    return [(username, f"{name} (caseload {count})") for username, name, count in rows]


def team_choices(session: Session) -> list[tuple[str, str]]:
    """(id, name) of every team, by name."""
    rows = session.execute(select(Team.id, Team.name).order_by(Team.name).limit(MAX_CHOICES)).all()
    return [(team_id, name) for team_id, name in rows]
