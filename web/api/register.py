"""``GET /api/v1/tf-register``: the families identified for Troubled Families, newest first (TF groups).

Every identified family arrives here (and in the family journey's history as ``tf_team_alerted``) the
moment triage, the whole-family assessment or the Parenting and Family Team's plan identifies it
(``added_at``: the assessment's or plan's date for a family identified there); the TF team's inbox also
gets a ``check_identified_family`` task.
"""

from __future__ import annotations

from flask.typing import ResponseReturnValue
from marshmallow import fields, validate

from web.access_log import logs_access, shows_families
from web.api import api, query_args
from web.api.auth import current_actor
from web.api.claims import _tf_reader
from web.api.schemas import StrictSchema
from web.extensions import db
from workflows.read.tf_register import register_entries


class RegisterQuerySchema(StrictSchema):
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))


@api.get("/tf-register")
@logs_access("tf_register")
def tf_register() -> ResponseReturnValue:
    _tf_reader(current_actor())
    limit = query_args(RegisterQuerySchema())["limit"]
    items = register_entries(db.session(), limit)
    shows_families(item["family_ref"] for item in items)
    return {"items": items}
