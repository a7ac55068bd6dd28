"""Administrator endpoints for the lifecycle's settings: teams, the council, claim windows.

The reads are workflows/read/teams.py, the writes workflows/services/ (settings.py, teams.py,
claim_windows.py); these views parse, call and answer.
"""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue
from marshmallow import fields, validate

from engine.access import Actor
from engine.models import Team
from forms.choices import DISTRICTS
from forms.claims import ClaimWindowSetUp
from web.api import api, json_body
from web.api.auth import current_actor
from web.api.claims import window_summary
from web.api.schemas import StrictSchema
from web.extensions import db
from web.wiring import get_engine
from workflows.models import TeamSetting
from workflows.operations.escalation import ESCALATION_GROUPS
from workflows.read.teams import member_groups, teams_with_settings
from workflows.services import settings as council
from workflows.services import teams
from workflows.services.claim_windows import open_claim_window

DISTRICT_IDS = [d for d, _ in DISTRICTS]
ClaimWindowSchema = ClaimWindowSetUp  # the form module owns it; the API documents it under this name
DOCUMENTED = ("TeamSettingsSchema", "CouncilSettingsSchema", "ClaimWindowSchema")  # request bodies


def _admin() -> Actor:
    """Refused before the body is read, so a refusal says nothing else."""
    actor = current_actor()
    council.require_admin(actor)
    return actor


class TeamSettingsSchema(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=255))
    district = fields.Str(required=True, validate=validate.OneOf(DISTRICT_IDS))
    kind = fields.Str(load_default="case_management",
                      validate=validate.OneOf(["case_management", "parenting_family_team", "childrens_centre"]))
    review_every_months = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=12))


def team_view(team: Team, settings: TeamSetting | None) -> dict[str, Any]:
    by_user = member_groups(db.session(), team.id)
    return {"id": team.id, "name": team.name, "district": settings.district if settings else None,
            "kind": settings.kind if settings else None,
            "review_every_months": settings.review_every_months if settings else None,
            "members": [{"username": u, "groups": sorted(g)} for u, g in by_user.items()]}


@api.get("/admin/teams")
def list_teams() -> ResponseReturnValue:
    _admin()
    rows = teams_with_settings(db.session(), limit=500)
    return {"items": [team_view(team, settings) for team, settings in rows]}


@api.put("/admin/teams/<team_id>")
def put_team(team_id: str) -> ResponseReturnValue:
    actor = _admin()
    body = json_body(TeamSettingsSchema())
    team, settings = teams.save_team_settings(db.session(), actor, team_id, teams.TeamSettings(**body))
    return team_view(team, settings)


_NOT_A_GROUP = "Choose a group that works tasks: {choices}"


class CouncilSettingsSchema(StrictSchema):
    earned_autonomy = fields.Bool()
    triage_working_days = fields.Int(strict=True, validate=validate.Range(min=0, max=10))
    triage_escalation_group = fields.Str(validate=validate.OneOf(ESCALATION_GROUPS, error=_NOT_A_GROUP))
    pft_escalation_group = fields.Str(validate=validate.OneOf(ESCALATION_GROUPS, error=_NOT_A_GROUP))
    escalation_working_days = fields.Int(strict=True, validate=validate.Range(min=1, max=20))
    pft_closure_sign_off = fields.Bool()


@api.get("/admin/settings")
def get_settings() -> ResponseReturnValue:
    _admin()
    return council.council_settings(db.session())


@api.put("/admin/settings")
def put_settings() -> ResponseReturnValue:
    actor = _admin()
    body = json_body(CouncilSettingsSchema())
    return council.save_council_settings(db.session(), actor, body)


@api.post("/admin/claim-windows")
def create_claim_window() -> ResponseReturnValue:
    """A window is a process instance: it waits for its cut-off, then owns its pool, audits and batch."""
    actor = _admin()
    body = json_body(ClaimWindowSetUp())
    row = open_claim_window(db.session(), get_engine(), actor, body["name"], body["local_cutoff_at"],
                            body["closes_at"])
    return window_summary(row), 201
