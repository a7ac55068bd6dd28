"""Teams for the administrators: each team with its lifecycle settings, and its members with their groups."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import GroupMember, Team, TeamMember, User
from workflows.models import TeamSetting


def teams_with_settings(session: Session, *, limit: int) -> Sequence[tuple[Team, TeamSetting | None]]:
    """Teams by id, each with its settings (None before an administrator sets them)."""
    return session.execute(select(Team, TeamSetting).join(TeamSetting, TeamSetting.team_id == Team.id, isouter=True)
                           .order_by(Team.id).limit(limit)).all()


def member_groups(session: Session, team_id: str) -> dict[str, list[str]]:
    """The team's members by username, each with the ids of their groups (none for a member of none)."""
    rows = session.execute(select(User.username, GroupMember.group_id)
                           .join(TeamMember, TeamMember.user_id == User.id)
                           .join(GroupMember, GroupMember.user_id == User.id, isouter=True)
                           .where(TeamMember.team_id == team_id).order_by(User.username))
    by_user: dict[str, list[str]] = {}
    for username, group in rows:
        by_user.setdefault(username, []).extend([group] if group else [])
    return by_user
