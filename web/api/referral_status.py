"""``GET /api/v1/referrals/{ref}``: the confirmation of a submission, for the person who submitted it.

Only the reference, when it was received and whether triage has decided it: nothing about the family,
its route or its outcomes (a referrer has no need to know them). Anyone else, admin included, gets
the same 404 as for an unknown reference; every read is access-logged.
"""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from web.access_log import logs_access
from web.api import api
from web.api.auth import current_actor
from web.api.errors import ApiError
from web.extensions import db
from workflows.services.intake import own_referral


@api.get("/referrals/<ref>")
@logs_access("referral", "ref")
def get_referral(ref: str) -> ResponseReturnValue:
    found = own_referral(db.session(), current_actor(), ref)
    if found is None:
        raise ApiError(404, "not_found", f"referral {ref} not found")
    referral, triaged = found
    return {"referral_ref": referral.ref, "received_at": referral.received_at.isoformat(),
            "status": "triaged" if triaged else "received"}
