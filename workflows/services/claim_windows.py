"""A new claim window, opened by an administrator: it runs through the engine, so nothing is written here.

A window is a ``claim_window`` process instance; its first step (``register_claim_window``) writes the
``claim_window`` row in the same transaction as the workflow state, and the row is read back from it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor
from engine.models import Instance, InstanceStatus
from engine.runtime import Engine
from workflows.errors import Conflict, Failed
from workflows.models import ClaimWindow
from workflows.services.settings import require_admin

PROCESS = "claim_window"


def open_claim_window(db: Session, engine: Engine, actor: Actor, name: str, local_cutoff_at: datetime,
                      closes_at: datetime) -> ClaimWindow:
    """Conflict (``duplicate_window``) for a name in use; Failed when the step did not register the row."""
    require_admin(actor)
    db.rollback()
    # Held until the engine commits the new instance (its business key is the name): a second request
    # with this name waits, then finds it (two instances racing would both start, and one fail on the
    # unique name as an orphan incident).
    engine.serialise(f"claim_window:{name}")
    if _name_taken(db, name):
        db.rollback()
        raise Conflict(f"a claim window named {name!r} exists", code="duplicate_window")
    window = {"name": name, "local_cutoff_at": local_cutoff_at.isoformat(), "closes_at": closes_at.isoformat()}
    ref = engine.start(PROCESS, name, {"window": window}, actor)
    row = db.scalar(select(ClaimWindow).where(ClaimWindow.instance_id == ref.id))
    if row is None:
        raise Failed("the claim window could not be registered; it has been logged")
    return row


def _name_taken(db: Session, name: str) -> bool:
    """A window has the name, or a window's instance still on its way to writing it does."""
    if db.scalar(select(ClaimWindow.id).where(ClaimWindow.name == name)) is not None:
        return True
    starting = select(Instance.id).where(Instance.process_id == PROCESS, Instance.business_key == name,
                                         Instance.status == InstanceStatus.ACTIVE)
    return db.scalar(starting.limit(1)) is not None
