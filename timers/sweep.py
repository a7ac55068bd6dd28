"""The due-timer sweep: fire every instance whose earliest timer has fallen due, each in its own
transaction, so one broken instance is recorded as an incident and never stops the others.

Claiming goes through the engine's ``queries.claim_next_due`` (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL), so several sweepers share the work and a timer fires exactly once; SQLite has a single
writer, so the same loop is simply serial there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from engine.access import SYSTEM
from engine.errors import Conflict, NotFound
from engine.models import InstanceStatus
from engine.queries import DuePosition, claim_next_due
from engine.runtime import Engine

log = logging.getLogger("timers.sweep")


@dataclass
class SweepResult:
    fired: int = 0
    failed: int = 0
    skipped: int = 0
    started: int = 0
    lateness_s: list[float] = field(default_factory=list)  # per fired instance: how long after its due moment

    def as_dict(self) -> dict[str, int]:
        return {"fired": self.fired, "failed": self.failed, "skipped": self.skipped, "started": self.started}

    @property
    def handled(self) -> int:
        """Due instances the sweep took, whatever became of them (timer starts not counted)."""
        return self.fired + self.failed + self.skipped


def sweep(engine: Engine, session_factory: Callable[[], Session], *, batch: int = 100) -> SweepResult:
    """Fire up to ``batch`` due instances, then start the processes whose timer start fell due."""
    result = SweepResult()
    now = engine.clock.now()
    position: DuePosition | None = None
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
            result.lateness_s.append(max(0.0, (now - position[0]).total_seconds()))
    result.started = engine.start_due_timer_starts(batch=batch)
    return result


def sweep_and_deliver(engine: Engine, session_factory: Callable[[], Session], *,
                      batch: int) -> tuple[SweepResult, int]:
    """One sweep, then the messages its steps threw: what the scheduler's tick and the CLI run."""
    result = sweep(engine, session_factory, batch=batch)
    return result, engine.deliver_outbox(limit=batch)
