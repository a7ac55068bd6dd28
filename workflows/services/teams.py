"""Teams and their settings (district, kind, review cadence), changed by administrators.

``team_setting`` rows are written outside an engine step on purpose: they are configuration, owned by
no process; ``next_review`` reads the cadence current when a review is scheduled, so a change applies
from the next review on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.access import Actor
from engine.identity import ensure_team
from engine.models import Team
from workflows.errors import Invalid
from workflows.models import TeamSetting
from workflows.services.settings import require_admin
from workflows.services.users import IDENTIFIER

TEAM_FORMAT = "Enter a team id of lower-case letters, digits, dashes and underscores"


@dataclass(frozen=True)
class TeamSettings:
    name: str
    district: str
    kind: str
    review_every_months: int


def team_problems(team_id: str) -> dict[str, str]:
    return {} if IDENTIFIER.match(team_id) else {"team_id": TEAM_FORMAT}


def save_team(db: Session, actor: Actor, team_id: str, name: str | None = None) -> Team:
    """The team, created when new; a given name replaces the old one. Invalid for a malformed id."""
    require_admin(actor)
    found = team_problems(team_id)
    if found:
        raise Invalid("the team has errors", details={field: [text] for field, text in found.items()})
    team = ensure_team(db, team_id, name)
    db.commit()
    return team


MAX_TEAM_ID = 100  # the team.id column's length


def save_team_settings(db: Session, actor: Actor, team_id: str, settings: TeamSettings) -> tuple[Team, TeamSetting]:
    """The team (created when new) and its settings, in one transaction."""
    require_admin(actor)
    if len(team_id) > MAX_TEAM_ID:
        raise Invalid(f"a team id has at most {MAX_TEAM_ID} characters", details={"team_id": ["Too long."]})
    team = ensure_team(db, team_id, settings.name)
    db.flush()
    row = db.get(TeamSetting, team_id) or TeamSetting(team_id=team_id)
    row.district, row.kind = settings.district, settings.kind
    row.review_every_months = settings.review_every_months
    db.add(row)
    db.commit()
    return team, row
