"""``POST /api/v1/referrals``: a partner's referral, through the same intake as the referral pages.

Validation, the ``Idempotency-Key`` (scoped to the caller) and the start of ``family_referral`` all live
in web/referral_intake.py, so the API and the pages cannot drift; this view only speaks HTTP.
"""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from web import referral_intake
from web.api import api, json_object
from web.api.auth import current_actor
from web.api.errors import ApiError


@api.post("/referrals")
def submit_referral() -> ResponseReturnValue:
    actor = current_actor()
    try:
        referral_intake.check_may_submit(actor)  # before reading the body: a refusal says nothing else
        payload = json_object()
        key = request.headers.get("Idempotency-Key", "").strip() or None
        body = referral_intake.submit(actor, payload, key)
    except referral_intake.IntakeError as error:
        raise ApiError(error.status, error.code, error.message, error.details) from error
    return body, 201
