"""``GET /api/v1/families/{ref}``: a family's whole journey, access-logged, 404 to those without need."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from web.access_log import logs_access
from web.api import api
from web.api.auth import current_actor
from web.api.errors import ApiError
from web.extensions import db
from workflows.access import readable_family
from workflows.read.family_view import family_view


@api.get("/families/<ref>")
@logs_access("family", "ref")
def get_family(ref: str) -> ResponseReturnValue:
    actor = current_actor()
    family = readable_family(db.session(), actor, ref)
    if family is None:
        raise ApiError(404, "not_found", f"family {ref} not found")
    return family_view(db.session(), family)
