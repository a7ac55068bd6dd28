"""Claim windows (pool, sample, batch) and a claim's payment or invalidation (TF team).

The checks and the invalidation itself are shared with the TF team's pages (web/ui/tf_pages.py), so a
claim is withdrawn the same way, by the same people, whichever door the request came through.
"""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue
from marshmallow import fields, pre_load, validate
from sqlalchemy import select

from engine.access import Actor
from web.api import api, json_body
from web.api.access_log import logs_access
from web.api.auth import current_actor
from web.api.errors import ApiError
from web.api.schemas import StrictSchema
from web.extensions import session
from web.wiring import get_engine
from workflows.access import is_tf_reader, may_manage_claims
from workflows.models import Claim, ClaimWindow, Family, WindowFamily
from workflows.read.family_view import claim_view

INVALIDATABLE = ("submitted", "paid")
REASON_REQUIRED = "Enter the reason the claim is invalid"
REASON_TOO_LONG = "The reason must be 2000 characters or fewer"


def _tf_reader(actor: Actor) -> None:
    if not is_tf_reader(actor):
        raise ApiError(404, "not_found", "not found")


def _window(window_id: int) -> ClaimWindow:
    row = session().get(ClaimWindow, window_id)
    if row is None:
        raise ApiError(404, "not_found", f"claim window {window_id} not found")
    return row


def window_summary(row: ClaimWindow) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "local_cutoff_at": row.local_cutoff_at.isoformat(),
            "closes_at": row.closes_at.isoformat(), "status": row.status, "instance_id": row.instance_id}


@api.get("/claim-windows")
@logs_access("claim_window_list")
def list_claim_windows() -> ResponseReturnValue:
    _tf_reader(current_actor())
    rows = session().scalars(select(ClaimWindow).order_by(ClaimWindow.local_cutoff_at, ClaimWindow.id).limit(200))
    return {"items": [window_summary(r) for r in rows]}


@api.get("/claim-windows/<int:window_id>")
@logs_access("claim_window", "window_id")
def get_claim_window(window_id: int) -> ResponseReturnValue:
    _tf_reader(current_actor())
    db = session()
    window = _window(window_id)
    pool = db.execute(select(WindowFamily, Family.ref).join(Family, Family.id == WindowFamily.family_id)
                      .where(WindowFamily.window_id == window.id).order_by(Family.ref))
    claims = db.scalars(select(Claim).where(Claim.window_id == window.id).order_by(Claim.id))
    return {
        **window_summary(window),
        "pool": [{"family_ref": ref, "claim_type": row.claim_type, "sampled": row.sampled, "stages": row.audits,
                  "outcome": row.outcome} for row, ref in pool],
        "sample": window.sample,
        "batch": [claim_view(db, c) for c in claims],
    }


class InvalidateSchema(StrictSchema):
    """The reason, trimmed; blank counts as missing, so the API and the page give the same message."""

    reason = fields.Str(required=True, validate=validate.Length(max=2000, error=REASON_TOO_LONG),
                        error_messages={"required": REASON_REQUIRED})

    @pre_load
    def _blank_is_missing(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("reason"), str):
            reason = data["reason"].strip()
            data = {k: v for k, v in data.items() if k != "reason"} | ({"reason": reason} if reason else {})
        return data


def claim_for_tf_team(actor: Actor, claim_id: int) -> Claim:
    """404 outside the TF groups or for an unknown claim; 403 for the TF groups that only audit."""
    _tf_reader(actor)
    claim = session().get(Claim, claim_id)
    if claim is None:
        raise ApiError(404, "not_found", f"claim {claim_id} not found")
    if not may_manage_claims(actor):
        raise ApiError(403, "forbidden", "only the TF team records payments and invalid claims")
    return claim


def invalidate_claim(claim: Claim, reason: str) -> None:
    """Withdrawn after a spot check. The claim row stays, so the family never becomes claimable again."""
    if claim.state not in INVALIDATABLE:
        raise ApiError(409, "claim_state", f"a {claim.state} claim cannot be invalidated", {"state": claim.state})
    claim.state, claim.invalidated_at, claim.invalid_reason = "invalidated", get_engine().clock.now(), reason
    session().commit()


@api.post("/claims/<int:claim_id>/paid")
@logs_access("claim", "claim_id")
def mark_paid(claim_id: int) -> ResponseReturnValue:
    claim = claim_for_tf_team(current_actor(), claim_id)
    if claim.state != "submitted":
        raise ApiError(409, "claim_state", f"a {claim.state} claim cannot be marked paid",
                       {"state": claim.state})
    claim.state, claim.paid_at = "paid", get_engine().clock.now()
    session().commit()
    return claim_view(session(), claim)


@api.post("/claims/<int:claim_id>/invalidate")
@logs_access("claim", "claim_id")
def invalidate(claim_id: int) -> ResponseReturnValue:
    claim = claim_for_tf_team(current_actor(), claim_id)
    body = json_body(InvalidateSchema())
    invalidate_claim(claim, body["reason"])
    return claim_view(session(), claim)
