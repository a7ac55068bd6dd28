"""Claim windows (pool, sample, batch), the claim file, and a claim's payment or invalidation (TF team)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response
from flask.typing import ResponseReturnValue
from marshmallow import fields, validate
from sqlalchemy import select

from engine.access import Actor
from web.api import api, json_body
from web.api.access_log import logs_access
from web.api.auth import current_actor
from web.api.errors import ApiError
from web.api.schemas import StrictSchema
from web.extensions import session
from web.wiring import get_engine
from workflows.family_view import TF_GROUPS, claim_view
from workflows.models import Claim, ClaimWindow, Family, Outcome, TfRegister, WindowFamily


def _tf_reader(actor: Actor) -> None:
    if not (actor.is_admin or TF_GROUPS & actor.groups):
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


CLAIM_FILE_COLUMNS = ["family_ref", "attached_on", "claim_type", "issues_at_entry", "outcomes", "sustained_on",
                      "stage_1", "stage_2", "stage_3", "claim_state"]


@api.get("/claim-windows/<int:window_id>/claim-file.csv")
@logs_access("claim_file", "window_id")
def claim_file(window_id: int) -> ResponseReturnValue:
    """One row per claim in the window: no household members' details, so nothing about third parties."""
    _tf_reader(current_actor())
    db = session()
    window = _window(window_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CLAIM_FILE_COLUMNS)
    rows = db.execute(select(Claim, Family, WindowFamily).join(Family, Family.id == Claim.family_id)
                      .join(WindowFamily, (WindowFamily.family_id == Claim.family_id)
                            & (WindowFamily.window_id == Claim.window_id))
                      .where(Claim.window_id == window.id).order_by(Family.ref))
    for claim, family, pooled in rows:
        register = db.get(TfRegister, family.id)
        outcomes = list(db.scalars(select(Outcome).where(Outcome.family_id == family.id).order_by(Outcome.id)))
        sustained = [o.sustained_at for o in outcomes if o.sustained_at]
        writer.writerow([
            family.ref, register.added_at.date().isoformat() if register else "", claim.claim_type,
            " ".join(str(i) for i in (register.headline_issues if register else family.headline_issues)),
            " ".join(f"{o.indicator}:{o.status}" for o in outcomes),
            max(sustained).date().isoformat() if sustained else "",
            *[(pooled.audits.get(stage) or {}).get("result", "") for stage in ("1", "2", "3")],
            claim.state,
        ])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="claim-file-{window.id}.csv"'
    return response


class InvalidateSchema(StrictSchema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000),
                        error_messages={"required": "Enter the reason the claim is invalid"})


def _claim_for_tf_team(claim_id: int) -> tuple[Claim, Actor]:
    actor = current_actor()
    _tf_reader(actor)
    claim = session().get(Claim, claim_id)
    if claim is None:
        raise ApiError(404, "not_found", f"claim {claim_id} not found")
    if not (actor.is_admin or "tf_team" in actor.groups):
        raise ApiError(403, "forbidden", "only the TF team records payments and invalid claims")
    return claim, actor


@api.post("/claims/<int:claim_id>/paid")
@logs_access("claim", "claim_id")
def mark_paid(claim_id: int) -> ResponseReturnValue:
    claim, _ = _claim_for_tf_team(claim_id)
    if claim.state != "submitted":
        raise ApiError(409, "claim_state", f"a {claim.state} claim cannot be marked paid",
                       {"state": claim.state})
    claim.state, claim.paid_at = "paid", get_engine().clock.now()
    session().commit()
    return claim_view(session(), claim)


@api.post("/claims/<int:claim_id>/invalidate")
@logs_access("claim", "claim_id")
def invalidate(claim_id: int) -> ResponseReturnValue:
    """Withdrawn after a spot check. The claim row stays, so the family never becomes claimable again."""
    claim, _ = _claim_for_tf_team(claim_id)
    body = json_body(InvalidateSchema())
    if claim.state not in ("submitted", "paid"):
        raise ApiError(409, "claim_state", f"a {claim.state} claim cannot be invalidated", {"state": claim.state})
    claim.state, claim.invalidated_at, claim.invalid_reason = "invalidated", get_engine().clock.now(), body["reason"]
    session().commit()
    return claim_view(session(), claim)
