"""The one referral intake: the API (``POST /api/v1/referrals``) and the referral pages both submit here.

Validation by the forms registry's ``referral`` form, then an optional idempotency key (scoped to the
caller) claimed by inserting a row under a unique constraint *before* starting, so two concurrent
duplicates cannot both start a referral; then ``family_referral`` starts, and its first step
(``register_referral``) writes the family, referral and people rows in the same transaction as the
workflow state, so the answer is read back from those rows. One function, so the two ways in cannot drift.

The ``idempotent_request`` row is written outside an engine step on purpose: the key must be committed
under its unique constraint *before* the process starts (a step's transaction would commit it only with
the referral, too late to stop a concurrent duplicate), and its answer can only be recorded once that
first step has committed. Refusals are workflows/errors.py's; the web layer turns them into HTTP.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.access import Actor
from engine.models import InstanceStatus
from engine.runtime import Engine
from workflows.access import Role, may_submit
from workflows.errors import Conflict, Failed, Invalid, NotAllowed
from workflows.models import Family, IdempotentRequest, Person, Referral

PROCESS = "family_referral"
# Who a signed-out submission from the public form is recorded as. ``engine.identity.create_user``
# refuses names in brackets (the CLI, OIDC and the admin pages all create users through it), so no
# account can ever be this actor and read the public's submissions.
PUBLIC = Actor("(public)", frozenset({Role.REFERRER}))




def check_may_submit(actor: Actor) -> None:
    if not may_submit(actor):
        raise NotAllowed("you may not submit referrals")


def start_data(engine: Engine, actor: Actor, payload: Mapping[str, Any]) -> dict[str, Any]:
    """``family_referral``'s start data: the ``referral`` form's dump, received now from this caller (never
    a date or a submitter the body claims); Invalid with the field errors."""
    try:
        referral = engine.forms.validate("referral", payload, {})
    except ValidationError as error:
        raise Invalid("the referral has errors", details=error.messages) from error
    return {"referral": {**referral, "received_at": engine.clock.now().isoformat(), "submitted_by": actor.username}}


def digest(payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def earlier_answer(db: Session, actor: Actor, key: str) -> dict[str, Any] | None:
    """The answer already given to this caller's key, if that submission finished."""
    row = db.scalar(select(IdempotentRequest).where(IdempotentRequest.username == actor.username,
                                                           IdempotentRequest.key == key))
    return row.response if row is not None else None


MAX_KEY_LENGTH = 255  # the idempotent_request.key column's length


def submit(db: Session, engine: Engine, actor: Actor, payload: Mapping[str, Any],
           key: str | None = None) -> dict[str, Any]:
    """Validate and start one referral; the same ``key`` again returns the first answer.

    NotAllowed outside the submitting groups; Invalid with the field errors (``validation_failed``) or
    for a key used with another body (``idempotency_key_reused``); Conflict (``request_in_progress``)
    while the key's first request runs; Failed when the referral could not be registered."""
    check_may_submit(actor)
    if key is not None and len(key) > MAX_KEY_LENGTH:
        raise Invalid(f"an Idempotency-Key has at most {MAX_KEY_LENGTH} characters",
                      details={"Idempotency-Key": [f"Longer than {MAX_KEY_LENGTH} characters."]})
    data = start_data(engine, actor, payload)
    claimed: IdempotentRequest | None = None
    if key:
        found = _claim_key(db, actor, key, digest(payload), engine.clock.now())
        if isinstance(found, dict):
            return found
        claimed = found
    ref = engine.start(PROCESS, None, data, actor, authorised=True)  # may_submit decided; no starters
    body = answer(db, ref.id)
    if ref.status == InstanceStatus.ERROR or body is None:
        if claimed is not None:  # let a retry try again
            db.execute(delete(IdempotentRequest).where(IdempotentRequest.id == claimed.id))
            db.commit()
        raise Failed("the referral could not be registered; it has been logged")
    if claimed is not None:
        row = db.get(IdempotentRequest, claimed.id)
        assert row is not None
        row.response = body
        db.commit()
    return body


def _claim_key(db: Session, actor: Actor, key: str, body_sha256: str,
               now: datetime) -> IdempotentRequest | dict[str, Any]:
    """The new row for this key, or the first answer when the key was used before with this body."""
    query = select(IdempotentRequest).where(IdempotentRequest.username == actor.username, IdempotentRequest.key == key)
    existing = db.scalar(query)
    if existing is None:
        row = IdempotentRequest(username=actor.username, key=key, body_sha256=body_sha256,
                                created_at=now)
        db.add(row)
        try:
            db.commit()
            return row
        except IntegrityError:  # a concurrent request with the same key won the insert
            db.rollback()
            existing = db.scalar(query)
            assert existing is not None
    if existing.body_sha256 != body_sha256:
        raise Invalid("this Idempotency-Key was used with a different body", code="idempotency_key_reused",
                      details={"Idempotency-Key": ["Used before with a different request body."]})
    if existing.response is None:
        raise Conflict("a request with this Idempotency-Key is still being handled", code="request_in_progress")
    return existing.response


def own_referral(db: Session, actor: Actor, ref: str) -> tuple[Referral, bool] | None:
    """A referral as its submitter may see it: the row and whether triage has decided it (the family is
    no longer provisional). None for an unknown reference and for anyone else alike, admins included."""
    referral = db.scalar(select(Referral).where(Referral.ref == ref))
    if referral is None or referral.submitted_by != actor.username:
        return None
    family = db.get(Family, referral.family_id)
    return referral, family is not None and family.status != "provisional"


def answer(db: Session, instance_id: int) -> dict[str, Any] | None:
    """What a submitter is told: the references and the people's ids, read back from the rows written."""
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
