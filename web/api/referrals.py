"""``POST /api/v1/referrals``: the online referral form's submission, from partners and the web form.

The referral starts a ``family_referral`` instance; its first step (``register_referral``) writes the
family, referral and people rows in the same transaction as the workflow state, so the answer is read
back from those rows. An ``Idempotency-Key`` (scoped to the caller) is claimed by inserting a row
under a unique constraint *before* starting, so two concurrent duplicates cannot both start one.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import request
from flask.typing import ResponseReturnValue
from marshmallow import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from engine.access import Actor
from engine.models import InstanceStatus
from web.api import api, json_object
from web.api.auth import current_actor
from web.api.errors import ApiError
from web.extensions import session
from web.wiring import get_engine
from workflows.models import Family, IdempotentRequest, Person, Referral

SUBMITTERS = frozenset({"referrer", "early_help_unit", "admin"})
PROCESS = "family_referral"


def _claim_key(actor: Actor, key: str, digest: str) -> IdempotentRequest | dict[str, Any]:
    """The new row for this key, or the first answer when the key was used before with this body."""
    db = session()
    existing = db.scalar(select(IdempotentRequest).where(IdempotentRequest.username == actor.username,
                                                         IdempotentRequest.key == key))
    if existing is None:
        row = IdempotentRequest(username=actor.username, key=key, body_sha256=digest,
                                created_at=get_engine().clock.now())
        db.add(row)
        try:
            db.commit()
            return row
        except IntegrityError:  # a concurrent request with the same key won the insert
            db.rollback()
            existing = db.scalar(select(IdempotentRequest).where(IdempotentRequest.username == actor.username,
                                                                 IdempotentRequest.key == key))
            assert existing is not None
    if existing.body_sha256 != digest:
        raise ApiError(422, "idempotency_key_reused", "this Idempotency-Key was used with a different body",
                       {"Idempotency-Key": ["Used before with a different request body."]})
    if existing.response is None:
        raise ApiError(409, "request_in_progress", "a request with this Idempotency-Key is still being handled")
    return existing.response


@api.post("/referrals")
def submit_referral() -> ResponseReturnValue:
    actor = current_actor()
    if not SUBMITTERS & actor.groups:
        raise ApiError(403, "forbidden", "you may not submit referrals")
    payload = json_object()
    engine = get_engine()
    try:
        referral = engine.forms.validate("referral", payload, {})
    except ValidationError as error:
        raise ApiError(422, "validation_failed", "the referral has errors", error.messages) from error
    key = request.headers.get("Idempotency-Key", "").strip()
    claimed: IdempotentRequest | None = None
    if key:
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        found = _claim_key(actor, key, digest)
        if isinstance(found, dict):
            return found, 201
        claimed = found
    data = {"referral": {**referral, "received_at": engine.clock.now().isoformat(), "submitted_by": actor.username}}
    ref = engine.start(PROCESS, None, data, actor)
    body = _answer(ref.id)
    db = session()
    if ref.status == InstanceStatus.ERROR or body is None:
        if claimed is not None:  # let a retry try again
            db.execute(delete(IdempotentRequest).where(IdempotentRequest.id == claimed.id))
            db.commit()
        raise ApiError(500, "internal_error", "the referral could not be registered; it has been logged")
    if claimed is not None:
        row = db.get(IdempotentRequest, claimed.id)
        assert row is not None
        row.response = body
        db.commit()
    return body, 201


def _answer(instance_id: int) -> dict[str, Any] | None:
    db = session()
    referral = db.scalar(select(Referral).where(Referral.instance_id == instance_id))
    if referral is None:
        return None
    family = db.get(Family, referral.family_id)
    people = db.scalars(select(Person).where(Person.referral_id == referral.id).order_by(Person.id))
    return {
        "referral_ref": referral.ref,
        "family_ref": family.ref if family else None,
        "family_ref_provisional": True,  # until triage decides whether it matches a known family
        "instance_id": instance_id,
        "people": [{"person_id": p.person_id, "given_name": p.given_name, "family_name": p.family_name,
                    "date_of_birth": p.date_of_birth, "role": p.role} for p in people],
    }
