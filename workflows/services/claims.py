"""A claim's payment or invalidation, recorded by the TF team after the Ministry's answer.

These write ``claim`` rows outside an engine step on purpose: by the time a claim is paid or found
invalid in a spot check, its window's ``claim_window`` process has submitted the batch and ended, and
the family's journey ended on ``claim_submitted``, so no step is waiting to run the change. One function
per change, shared by the API (web/api/claims.py) and the TF team's pages, so a claim is withdrawn the
same way, by the same people, whichever door the request came through. Each checks before it writes:
a refusal leaves the row as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate
from sqlalchemy.orm import Session

from engine.access import Actor
from workflows.access import is_tf_reader, may_manage_claims
from workflows.errors import Conflict, Invalid, NotAllowed, NotFound
from workflows.models import Claim

INVALIDATABLE = ("submitted", "paid")
REASON_REQUIRED = "Enter the reason the claim is invalid"
REASON_TOO_LONG = "The reason must be 2000 characters or fewer"


class InvalidateSchema(Schema):
    """The reason, trimmed; blank counts as missing, so the API and the page give the same message."""

    class Meta:
        unknown = RAISE

    reason = fields.Str(required=True, validate=validate.Length(max=2000, error=REASON_TOO_LONG),
                        error_messages={"required": REASON_REQUIRED})

    @pre_load
    def _blank_is_missing(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("reason"), str):
            reason = data["reason"].strip()
            data = {k: v for k, v in data.items() if k != "reason"} | ({"reason": reason} if reason else {})
        return data


def claim_for_tf_team(db: Session, actor: Actor, claim_id: int) -> Claim:
    """NotFound outside the TF groups or for an unknown claim; NotAllowed for the TF groups that only audit."""
    if not is_tf_reader(actor):
        raise NotFound("not found")
    claim = db.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"claim {claim_id} not found")
    if not may_manage_claims(actor):
        raise NotAllowed("only the TF team records payments and invalid claims")
    return claim


def mark_paid(db: Session, actor: Actor, claim_id: int, *, now: datetime) -> Claim:
    """A submitted claim the Ministry paid. Conflict (``claim_state``) from any other state."""
    claim = claim_for_tf_team(db, actor, claim_id)
    if claim.state != "submitted":
        raise Conflict(f"a {claim.state} claim cannot be marked paid", code="claim_state",
                       details={"state": claim.state})
    claim.state, claim.paid_at = "paid", now
    db.commit()
    return claim


def invalidate(db: Session, actor: Actor, claim_id: int, payload: Mapping[str, Any], *, now: datetime) -> Claim:
    """Withdrawn after a spot check, with ``payload["reason"]``. The claim row stays, so the family never
    becomes claimable again. Invalid for a missing or long reason; Conflict (``claim_state``) unless
    submitted or paid."""
    claim = claim_for_tf_team(db, actor, claim_id)
    try:
        reason = InvalidateSchema().load(payload)["reason"]
    except ValidationError as error:
        raise Invalid("the request has errors", details=error.messages) from error
    if claim.state not in INVALIDATABLE:
        raise Conflict(f"a {claim.state} claim cannot be invalidated", code="claim_state",
                       details={"state": claim.state})
    claim.state, claim.invalidated_at, claim.invalid_reason = "invalidated", now, reason
    db.commit()
    return claim
