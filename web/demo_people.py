"""The demo council: groups with their labels, teams in the seven districts, a user for every group."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.identity import create_user, ensure_group, ensure_team, issue_token
from engine.models import User
from forms.choices import DISTRICTS
from web.ui.passwords import set_password
from workflows.models import TeamSetting

# DOMAIN.md's groups, which BPMN lanes name; the labels are what people read.
GROUP_LABELS = {
    "referrer": "Referrer (partner agency or public)",
    "early_help_unit": "Early Help Unit",
    "case_manager": "Case manager",
    "team_manager": "Team manager",
    "parenting_family_team": "Parenting and Family Team",
    "tf_team": "Troubled Families team",
    "tf_project_manager": "Troubled Families project manager",
    "tf_coordinator": "Troubled Families coordinator",
    "process_owner": "Process owner",
    "admin": "Administrator",
}


def team_id(district: str) -> str:
    return f"{district.replace('_', '-')}-ehcm"


def ensure_groups(session: Session) -> None:
    for group_id, label in GROUP_LABELS.items():
        ensure_group(session, group_id, label)
    session.flush()


def ensure_teams(session: Session) -> None:
    """One case-management team per district; Bassetlaw and Mansfield review every 4 months, the rest 3."""
    for district, label in DISTRICTS:
        team = team_id(district)
        ensure_team(session, team, f"{label} Early Help Case Management")
        session.flush()
        if session.get(TeamSetting, team) is None:
            session.add(TeamSetting(team_id=team, district=district, kind="case_management",
                                    review_every_months=4 if district in ("bassetlaw", "mansfield") else 3))
    session.flush()


# A demo database only (flask setup on an empty database): never a real council's accounts.
DEMO_PASSWORD = "demo-family-journeys"


def demo_users(session: Session, now: datetime) -> dict[str, str]:
    """Users for every group, each with the demo password; returns username -> API token for the demo."""
    wanted: list[tuple[str, tuple[str, ...], tuple[str, ...], str]] = [
        ("partner", ("referrer",), (), "Pat Partner (Meadow Primary School)"),
        ("ehu1", ("early_help_unit",), (), "Erin Hughes (Early Help Unit)"),
        ("pft1", ("parenting_family_team",), (), "Priya Farrell (Parenting and Family Team)"),
        ("tf1", ("tf_team",), (), "Tom Fletcher (TF team)"),
        ("pm1", ("tf_project_manager",), (), "Paula Mason (TF project manager)"),
        ("co1", ("tf_coordinator",), (), "Colin Okafor (TF coordinator)"),
        ("owner1", ("process_owner",), (), "Olivia Owen (process owner)"),
        ("admin1", ("admin",), (), "Adam Ince (administrator)"),
    ]
    for district, label in DISTRICTS:
        team = team_id(district)
        wanted.append((f"tm-{team}", ("team_manager",), (team,), f"Team manager, {label}"))
        wanted.append((f"cm-{team}", ("case_manager",), (team,), f"Case manager, {label}"))
    tokens = {}
    for username, groups, teams, name in wanted:
        user = session.query(User).filter_by(username=username).one_or_none()
        if user is None:
            user = create_user(session, username, groups=groups, teams=teams, now=now, display_name=name)
            set_password(session, user, DEMO_PASSWORD)
        tokens[username] = issue_token(session, user, now=now, label="demo")
    return tokens
