"""The council a new installation starts with (``flask --app web setup``): the groups, with the labels
people read, and a case-management team in each of the seven districts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.identity import ensure_group, ensure_team
from forms.choices import DISTRICTS
from workflows.models import TeamSetting

# docs/sources/DOMAIN.md's groups, which BPMN lanes name; the labels are what people read.
GROUP_LABELS = {
    "referrer": "Referrer (partner agency or public)",
    "early_help_unit": "Early Help Unit",
    "case_manager": "Case manager",
    "team_manager": "Team manager",
    "parenting_family_team": "Parenting and Family Team",
    "pft_manager": "Parenting and Family Team managers",
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


def review_months(district: str) -> int:
    """The demo council's review cadence: Bassetlaw and Mansfield review every 4 months, the rest 3."""
    return 4 if district in ("bassetlaw", "mansfield") else 3


def ensure_teams(session: Session) -> None:
    """One case-management team per district, each with its review cadence (``review_months``)."""
    for district, label in DISTRICTS:
        team = team_id(district)
        ensure_team(session, team, f"{label} Early Help Case Management")
        session.flush()
        if session.get(TeamSetting, team) is None:
            session.add(TeamSetting(team_id=team, district=district, kind="case_management",
                                    review_every_months=review_months(district)))
    session.flush()
