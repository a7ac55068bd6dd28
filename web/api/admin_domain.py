"""Administrator endpoints for the lifecycle's settings: teams, the council, claim windows."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue
from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from engine.access import Actor
from engine.identity import ensure_team
from engine.models import GroupMember, Team, TeamMember, User
from forms.choices import DISTRICTS
from web.api import api, json_body
from web.api.auth import current_actor
from web.api.claims import window_summary
from web.api.errors import ApiError
from web.api.schemas import StrictSchema
from web.extensions import session
from web.wiring import get_engine
from workflows.models import ClaimWindow, CouncilSetting, TeamSetting

DISTRICT_IDS = [d for d, _ in DISTRICTS]


def _admin() -> Actor:
    actor = current_actor()
    if not actor.is_admin:
        raise ApiError(403, "forbidden", "only administrators change settings")
    return actor


class TeamSettingsSchema(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=255))
    district = fields.Str(required=True, validate=validate.OneOf(DISTRICT_IDS))
    kind = fields.Str(load_default="case_management",
                      validate=validate.OneOf(["case_management", "parenting_family_team", "childrens_centre"]))
    review_every_months = fields.Int(required=True, validate=validate.Range(min=1, max=12))


def team_view(team: Team, settings: TeamSetting | None) -> dict[str, Any]:
    db = session()
    members = db.execute(select(User.username, GroupMember.group_id)
                         .join(TeamMember, TeamMember.user_id == User.id)
                         .join(GroupMember, GroupMember.user_id == User.id, isouter=True)
                         .where(TeamMember.team_id == team.id).order_by(User.username))
    by_user: dict[str, list[str]] = {}
    for username, group in members:
        by_user.setdefault(username, []).extend([group] if group else [])
    return {"id": team.id, "name": team.name, "district": settings.district if settings else None,
            "kind": settings.kind if settings else None,
            "review_every_months": settings.review_every_months if settings else None,
            "members": [{"username": u, "groups": sorted(g)} for u, g in by_user.items()]}


@api.get("/admin/teams")
def list_teams() -> ResponseReturnValue:
    _admin()
    db = session()
    rows = db.execute(select(Team, TeamSetting).join(TeamSetting, TeamSetting.team_id == Team.id, isouter=True)
                      .order_by(Team.id).limit(500))
    return {"items": [team_view(team, settings) for team, settings in rows]}


@api.put("/admin/teams/<team_id>")
def put_team(team_id: str) -> ResponseReturnValue:
    _admin()
    body = json_body(TeamSettingsSchema())
    db = session()
    team = ensure_team(db, team_id, body["name"])
    db.flush()
    settings = db.get(TeamSetting, team_id) or TeamSetting(team_id=team_id)
    settings.district, settings.kind = body["district"], body["kind"]
    settings.review_every_months = body["review_every_months"]
    db.add(settings)
    db.commit()
    return team_view(team, settings)


class CouncilSettingsSchema(StrictSchema):
    earned_autonomy = fields.Bool()
    triage_working_days = fields.Int(validate=validate.Range(min=0, max=10))


@api.get("/admin/settings")
def get_settings() -> ResponseReturnValue:
    _admin()
    rows = session().scalars(select(CouncilSetting).order_by(CouncilSetting.key))
    return {"earned_autonomy": False, "triage_working_days": 1, **{r.key: r.value for r in rows}}


@api.put("/admin/settings")
def put_settings() -> ResponseReturnValue:
    _admin()
    body = json_body(CouncilSettingsSchema())
    db = session()
    for key, value in body.items():
        row = db.get(CouncilSetting, key) or CouncilSetting(key=key)
        row.value = value
        db.add(row)
    db.commit()
    return get_settings()


class ClaimWindowSchema(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    local_cutoff_at = fields.AwareDateTime(required=True)
    closes_at = fields.AwareDateTime(required=True)

    @validates_schema
    def _order(self, data: dict[str, Any], **_: Any) -> None:
        if "local_cutoff_at" in data and "closes_at" in data and data["local_cutoff_at"] >= data["closes_at"]:
            raise ValidationError("The local cut-off must be before the window closes.", "local_cutoff_at")


@api.post("/admin/claim-windows")
def create_claim_window() -> ResponseReturnValue:
    """A window is a process instance: it waits for its cut-off, then owns its pool, audits and batch."""
    actor = _admin()
    body = json_body(ClaimWindowSchema())
    db = session()
    if db.scalar(select(ClaimWindow.id).where(ClaimWindow.name == body["name"])) is not None:
        raise ApiError(409, "duplicate_window", f"a claim window named {body['name']!r} exists")
    db.rollback()
    window = {"name": body["name"], "local_cutoff_at": body["local_cutoff_at"].isoformat(),
              "closes_at": body["closes_at"].isoformat()}
    ref = get_engine().start("claim_window", body["name"], {"window": window}, actor)
    row = session().scalar(select(ClaimWindow).where(ClaimWindow.instance_id == ref.id))
    if row is None:
        raise ApiError(500, "internal_error", "the claim window could not be registered; it has been logged")
    return window_summary(row), 201
