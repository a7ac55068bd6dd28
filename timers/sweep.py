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

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import SYSTEM
from engine.errors import Conflict, NotFound
from engine.locking import first_unclaimed
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


def claim_next_due(session: Session, now: datetime, done: set[int]) -> int | None:
    """Lock one due active instance that no other sweeper holds; its id, or None when none is left.

    ``done`` holds the ids this sweep already advanced, so an instance is advanced once per sweep.
    """
    statement = (
        select(Instance.id)
        .where(Instance.status == InstanceStatus.ACTIVE, Instance.next_timer_due_at <= now)
        .order_by(Instance.next_timer_due_at)
        .limit(1)
    )
    if done:
        statement = statement.where(Instance.id.not_in(done))
    return first_unclaimed(session, statement)


def sweep(engine: Engine, session_factory: Callable[[], Session], *, batch: int = 100) -> SweepResult:
    """Fire up to ``batch`` due instances, then start the processes whose timer start fell due."""
    result = SweepResult()
    now = engine.clock.now()
    done: set[int] = set()
    for _ in range(batch):
        session = session_factory()
        instance_id = claim_next_due(session, now, done)
        if instance_id is None:
            session.rollback()
            break
        done.add(instance_id)
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
