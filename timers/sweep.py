"""The due-timer sweep: fire every instance whose earliest timer has fallen due, each in its own
transaction, so one broken instance is recorded as an incident and never stops the others.

Claiming uses ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several sweepers share the work and a
timer fires exactly once; SQLite has a single writer, so the same loop is simply serial there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from engine.access import SYSTEM
from engine.errors import Conflict, NotFound
from engine.locking import skipping_locked
from engine.models import Instance, InstanceStatus
from engine.runtime import Engine

log = logging.getLogger("timers.sweep")


@dataclass
class SweepResult:
    fired: int = 0
    failed: int = 0
    skipped: int = 0
    started: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


Position = tuple[datetime, int]


def claim_next_due(session: Session, now: datetime, after: Position | None) -> Position | None:
    """Lock one due active instance that no other sweeper holds: its (due time, id), or None.

    The sweep walks due instances in (due time, id) order from ``after``, so each is advanced at most
    once per sweep and every claim is one index range, however long the sweep.
    """
    statement = (
        select(Instance.next_timer_due_at, Instance.id)
        .where(Instance.status == InstanceStatus.ACTIVE, Instance.next_timer_due_at <= now)
        .order_by(Instance.next_timer_due_at, Instance.id)
        .limit(1)
    )
    if after is not None:
        statement = statement.where(tuple_(Instance.next_timer_due_at, Instance.id) > after)
    row = session.execute(skipping_locked(session, statement)).first()
    if row is None or row[0] is None:
        return None
    return row[0], row[1]


def sweep(engine: Engine, session_factory: Callable[[], Session], *, batch: int = 100) -> SweepResult:
    """Fire up to ``batch`` due instances, then start the processes whose timer start fell due."""
    result = SweepResult()
    now = engine.clock.now()
    position: Position | None = None
    for _ in range(batch):
        session = session_factory()
        position = claim_next_due(session, now, position)
        if position is None:
            session.rollback()
            break
        instance_id = position[1]
        try:
            # Same transaction as the claim: the engine's own row lock is already ours.
            ref = engine.advance(instance_id, SYSTEM)
        except (Conflict, NotFound):
            result.skipped += 1
            continue
        except Exception:
            log.exception("timer sweep could not advance instance", extra={"instance_id": instance_id})
            session_factory().rollback()
            result.failed += 1
            continue
        if ref.status == InstanceStatus.ERROR:
            log.warning("instance became an incident in the timer sweep", extra={"instance_id": instance_id})
            result.failed += 1
        else:
            result.fired += 1
    result.started = engine.start_due_timer_starts(batch=batch)
    return result
