"""Delivering messages: from the API (``send``) and from the outbox of thrown messages.

Each delivery is one transaction that locks exactly one instance, the receiver; a thrown message is
delivered after the thrower's step has committed, so no step ever locks two instances.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine import messages, spiff
from engine.access import SYSTEM, Actor
from engine.errors import Conflict, Forbidden, NotFound
from engine.locking import first_unclaimed
from engine.models import OutboxMessage

if TYPE_CHECKING:
    from engine.runtime import Engine
    from engine.steps import StepContext

log = logging.getLogger("engine.messages")
MAX_ROUTING_ATTEMPTS = 3
MAX_OUTBOX_ATTEMPTS = 5
delivering_outbox: ContextVar[bool] = ContextVar("delivering_outbox", default=False)


@dataclass(frozen=True)
class SendResult:
    delivered: int
    instance_id: int | None = None
    kept_until: datetime | None = None


def _deliver_action(name: str, payload: Any, correlations: Mapping[str, Any], sender: str,
                    outbox_id: int | None = None) -> Any:
    def deliver(workflow: spiff.Workflow, ctx: StepContext) -> None:
        if outbox_id is not None:
            row = ctx.session.get(OutboxMessage, outbox_id, populate_existing=True)
            if row is None or row.delivered_at is not None:
                raise Conflict("the message was already delivered", code="already_delivered")
            row.delivered_at, row.outcome = ctx.now, f"delivered to instance {ctx.instance.id}"
        try:
            spiff.send_message(workflow, name, payload, correlations)
        except spiff.NotWaiting as error:
            raise Conflict(f"the instance stopped waiting for {name}", instance_id=ctx.instance.id,
                           code="not_waiting") from error
        ctx.record("message_received", actor=sender, data={"name": name, "payload": payload})

    return deliver


def send(engine: Engine, name: str, correlation: Mapping[str, Any], payload: Mapping[str, Any],
         actor: Actor) -> SendResult:
    """Deliver to the one waiting instance, start one, keep the message, or answer that none took it."""
    session = engine.session()
    declared = messages.definition(session, name)
    if declared is None:
        session.rollback()
        raise NotFound(f"no deployed process declares the message '{name}'")
    if not (actor.is_admin or actor is SYSTEM or set(declared.senders) & actor.groups):
        session.rollback()
        raise Forbidden(f"you may not send the message '{name}'")
    key = messages.correlation_key(correlation)
    for _ in range(MAX_ROUTING_ATTEMPTS):
        waits = messages.matching_instances(session, name, key)
        if len(waits) > 1:
            session.rollback()
            raise Conflict(f"more than one instance waits for '{name}' with this correlation",
                           code="ambiguous_message", details={"correlation": dict(correlation)})
        if len(waits) == 1:
            wait = waits[0]
            instance_id, correlations = wait.instance_id, dict(wait.correlations)
            session.rollback()
            try:
                engine.act(instance_id, actor, _deliver_action(name, dict(payload), correlations, actor.username))
            except Conflict as error:
                if error.code in ("not_waiting", "instance_ended"):
                    session = engine.session()
                    continue  # it stopped waiting between the lookup and the lock: route again
                raise
            return SendResult(delivered=1, instance_id=instance_id)
        if declared.starts:
            session.rollback()
            process_id = declared.starts[0]
            ref = engine.start_by_message(process_id, name, dict(correlation), dict(payload), actor)
            return SendResult(delivered=1, instance_id=ref.id)
        if declared.keep:
            now = engine.clock.now()
            kept = messages.keep(session, name, correlation, dict(payload), sender=actor.username, now=now,
                                 expiry_days=declared.expiry_days)
            session.commit()
            return SendResult(delivered=0, kept_until=kept.expires_at)
        session.rollback()
        return SendResult(delivered=0)
    session.rollback()
    raise Conflict("the receiving instance kept changing; try again", code="lost_race")


def deliver_outbox(engine: Engine, *, limit: int = 100) -> int:
    """Deliver thrown messages, oldest first, each in its own transaction; the count delivered or kept."""
    token = delivering_outbox.set(True)
    done = 0
    skipped: set[int] = set()
    try:
        for _ in range(limit):
            session = engine.session()
            statement = (
                select(OutboxMessage)
                .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.attempts < MAX_OUTBOX_ATTEMPTS)
                .order_by(OutboxMessage.id)
                .limit(1)
            )
            if skipped:
                statement = statement.where(OutboxMessage.id.not_in(skipped))
            row = first_unclaimed(session, statement)
            if row is None:
                session.rollback()
                break
            if _deliver_one(engine, row):
                done += 1
            else:
                skipped.add(row.id)
    finally:
        delivering_outbox.reset(token)
    return done


def _deliver_one(engine: Engine, row: OutboxMessage) -> bool:
    session = engine.session()
    key = messages.correlation_key(row.correlation)
    waits = messages.matching_instances(session, row.name, key)
    if len(waits) == 1:
        action = _deliver_action(row.name, row.payload, waits[0].correlations, "engine", outbox_id=row.id)
        try:
            # The outbox row's lock is held in this same transaction; the action marks it delivered.
            engine.act(waits[0].instance_id, SYSTEM, action)
            return True
        except Conflict as error:
            outcome = f"not delivered: {error.message}"
    elif not waits:
        declared = messages.definition(session, row.name)
        now = engine.clock.now()
        if declared is not None and declared.starts:
            session.rollback()
            engine.start_by_message(declared.starts[0], row.name, row.correlation, row.payload, SYSTEM)
            session = engine.session()
            _mark(session, row.id, now, "started an instance")
            return True
        if declared is not None and declared.keep:
            messages.keep(session, row.name, row.correlation, row.payload, sender="engine", now=now,
                          expiry_days=declared.expiry_days)
            _mark(session, row.id, now, "kept until an instance waits for it")
        else:
            _mark(session, row.id, now, "dropped: nothing was waiting and the message is not kept")
        return True
    else:
        outcome = "not delivered: more than one instance waits for it"
    session = engine.session()
    session.rollback()
    failed = session.get(OutboxMessage, row.id)
    if failed is not None:
        failed.attempts += 1
        failed.outcome = outcome
        session.commit()
    log.warning("outbox message not delivered", extra={"outbox_id": row.id, "reason": outcome})
    return False


def _mark(session: Any, outbox_id: int, now: datetime, outcome: str) -> None:
    row = session.get(OutboxMessage, outbox_id)
    row.delivered_at, row.outcome = now, outcome
    session.commit()
