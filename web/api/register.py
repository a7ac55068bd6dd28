"""``GET /api/v1/tf-register``: the families identified for Troubled Families, newest first (TF groups).

Every identified family arrives here (and in the family journey's history as ``tf_team_alerted``) the
moment triage identifies it; the TF team's inbox also gets a ``check_identified_family`` task.
"""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from web.access_log import logs_access, shows_families
from web.api import api
from web.api.auth import current_actor
from web.api.claims import _tf_reader
from web.api.errors import ApiError
from web.extensions import db
from workflows.read.tf_register import register_entries


@api.get("/tf-register")
@logs_access("tf_register")
def tf_register() -> ResponseReturnValue:
    _tf_reader(current_actor())
    try:
        limit = int(request.args.get("limit", "50"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 200:
        raise ApiError(422, "validation_failed", "limit must be between 1 and 200", {"limit": ["Must be 1 to 200."]})
    items = register_entries(db.session(), limit)
    shows_families(item["family_ref"] for item in items)
    return {"items": items}
