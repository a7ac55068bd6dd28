"""Claim windows (pool, sample, batch) and a claim's payment or invalidation (TF team).

The reads are workflows/read/claim_windows.py; the checks and the writes live in
workflows/services/claims.py, shared with the TF team's pages, so a claim is withdrawn the same way, by
the same people, whichever door the request came through.
"""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from engine.access import Actor
from web.access_log import logs_access, shows_families
from web.api import api, json_object
from web.api.auth import current_actor
from web.api.errors import ApiError
from web.extensions import db
from web.wiring import get_engine
from workflows.access import is_tf_reader
from workflows.models import ClaimWindow
from workflows.read import claim_windows as read
from workflows.read.family_view import claim_view
from workflows.services import claims


def _tf_reader(actor: Actor) -> None:
    if not is_tf_reader(actor):
        raise ApiError(404, "not_found", "not found")


def _window(window_id: int) -> ClaimWindow:
    row = read.claim_window(db.session(), window_id)
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
    rows = read.windows(db.session(), limit=200, newest_first=False)
    return {"items": [window_summary(r) for r in rows]}


@api.get("/claim-windows/<int:window_id>")
@logs_access("claim_window", "window_id")
def get_claim_window(window_id: int) -> ResponseReturnValue:
    _tf_reader(current_actor())
    window = _window(window_id)
    pool = read.pool(db.session(), window.id)
    batch = [claim_view(db.session(), c) for c in read.batch(db.session(), window.id)]
    shows_families([*(ref for _, ref in pool), *(claim["family_ref"] for claim in batch)])
    return {
        **window_summary(window),
        "pool": [{"family_ref": ref, "claim_type": row.claim_type, "sampled": row.sampled, "stages": row.audits,
                  "outcome": row.outcome} for row, ref in pool],
        "sample": window.sample,
        "batch": batch,
    }


@api.post("/claims/<int:claim_id>/paid")
@logs_access("claim", "claim_id")
def mark_paid(claim_id: int) -> ResponseReturnValue:
    claim = claims.mark_paid(db.session(), current_actor(), claim_id, now=get_engine().clock.now())
    return claim_view(db.session(), claim)


@api.post("/claims/<int:claim_id>/invalidate")
@logs_access("claim", "claim_id")
def invalidate(claim_id: int) -> ResponseReturnValue:
    actor = current_actor()
    claims.claim_for_tf_team(db.session(), actor, claim_id)  # refused before the body is read, as before
    claim = claims.invalidate(db.session(), actor, claim_id, json_object(), now=get_engine().clock.now())
    return claim_view(db.session(), claim)
