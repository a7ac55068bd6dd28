"""``POST /api/v1/referrals``: a partner's referral, through the same intake as the referral pages.

Validation, the ``Idempotency-Key`` (scoped to the caller) and the start of ``family_referral`` all live
in workflows/services/intake.py, so the API and the pages cannot drift; this view only speaks HTTP (its
refusals become error bodies in web/api/errors.py).
"""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from web.api import api, json_object
from web.api.auth import current_actor
from web.extensions import db
from web.wiring import get_engine
from workflows.services import intake


@api.post("/referrals")
def submit_referral() -> ResponseReturnValue:
    actor = current_actor()
    intake.check_may_submit(actor)  # before reading the body: a refusal says nothing else
    payload = json_object()
    key = request.headers.get("Idempotency-Key", "").strip() or None
    return intake.submit(db.session(), get_engine(), actor, payload, key), 201
