"""A new claim window, opened by an administrator: it runs through the engine, so nothing is written here.

A window is a ``claim_window`` process instance; its first step (``register_claim_window``) writes the
``claim_window`` row in the same transaction as the workflow state, and the row is read back from it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor
from engine.runtime import Engine
from workflows.errors import Conflict, Failed
from workflows.models import ClaimWindow
from workflows.services.settings import require_admin

PROCESS = "claim_window"


def open_claim_window(db: Session, engine: Engine, actor: Actor, name: str, local_cutoff_at: datetime,
                      closes_at: datetime) -> ClaimWindow:
    """Conflict (``duplicate_window``) for a name in use; Failed when the step did not register the row."""
    require_admin(actor)
    if db.scalar(select(ClaimWindow.id).where(ClaimWindow.name == name)) is not None:
        raise Conflict(f"a claim window named {name!r} exists", code="duplicate_window")
    db.rollback()  # the engine starts its own transaction
    window = {"name": name, "local_cutoff_at": local_cutoff_at.isoformat(), "closes_at": closes_at.isoformat()}
    ref = engine.start(PROCESS, name, {"window": window}, actor)
    row = db.scalar(select(ClaimWindow).where(ClaimWindow.instance_id == ref.id))
    if row is None:
        raise Failed("the claim window could not be registered; it has been logged")
    return row
