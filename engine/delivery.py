"""Delivering messages: from the API (``send``) and from the outbox of thrown messages.

Each delivery is one transaction that locks exactly one instance, the receiver; a thrown message is
delivered after the thrower's step has committed, so no step ever locks two instances.

The engine hands ``Delivery`` the entry points it needs (its session, its clock, ``act`` and
``create``), so this module never imports the engine's facade (engine/runtime.py imports it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import messages, spiff
from engine.access import SYSTEM, Actor, CorrelationCheck
from engine.errors import Conflict, Forbidden, Invalid, NotFound
from engine.locking import first_unclaimed
from engine.models import InstanceStatus, OutboxMessage
from engine.steps import StepContext
from engine.transaction import Action, InstanceRef

log = logging.getLogger("engine.messages")
MAX_ROUTING_ATTEMPTS = 3
MAX_OUTBOX_ATTEMPTS = 5
delivering_outbox: ContextVar[bool] = ContextVar("delivering_outbox", default=False)


@dataclass(frozen=True)
class SendResult:
    delivered: int
    instance_id: int | None = None
    kept_until: datetime | None = None


class Act(Protocol):
    def __call__(self, instance_id: int, actor: Actor, action: Action[Any]) -> InstanceRef: ...


# Creates and commits an instance, not yet run: (process id, business key, data, version) -> its id.
Create = Callable[[str, str | None, Mapping[str, Any], int | None], int]


def deliver_action(name: str, payload: Any, correlations: Mapping[str, Any], sender: str,
                   outbox_id: int | None = None) -> Action[None]:
    """The engine action that hands the instance a message (and marks its outbox row delivered)."""

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


class Delivery:
    """Routes messages to instances through the engine's own transactions."""

    def __init__(self, *, session: Callable[[], Session], now: Callable[[], datetime], act: Act,
                 create: Create, correlation_check: CorrelationCheck | None = None) -> None:
        self.session = session
        self.correlation_check = correlation_check
        self.now = now
        self.act = act
        self.create = create

    def start_by_message(self, process_id: str, name: str, correlation: Mapping[str, Any],
                         payload: Mapping[str, Any], actor: Actor) -> InstanceRef:
        """Create an instance of a process with a message start event and hand it the message."""
        business_key = ",".join(str(v) for v in correlation.values()) or None
        instance_id = self.create(process_id, business_key, {}, None)
        if self.act(instance_id, actor, _nothing).status != InstanceStatus.ACTIVE:  # now its start event waits
            return InstanceRef(instance_id, InstanceStatus.ERROR)
        # A start event has no correlation yet; it takes it from the payload, so the values go in there.
        return self.act(instance_id, actor, deliver_action(name, {**correlation, **payload}, {}, actor.username))

    def signal(self, name: str, payload: Mapping[str, Any], actor: Actor) -> SendResult:
        """Hand a signal to every instance waiting for it, one instance per transaction; a broadcast
        crosses families, so only administrators throw one."""
        if not actor.is_admin:
            raise Forbidden("only administrators throw signals")
        session = self.session()
        waiters = [(w.instance_id, dict(w.correlations)) for w in messages.signal_waiters(session, name)]
        session.rollback()
        delivered = 0
        for instance_id, correlations in waiters:
            action = deliver_action(spiff.SIGNAL_PREFIX + name, dict(payload), correlations, actor.username)
            try:
                self.act(instance_id, actor, action)
                delivered += 1
            except Conflict as error:
                if error.code not in ("not_waiting", "instance_ended", "instance_in_error"):
                    raise
        return SendResult(delivered=delivered)

    def send(self, name: str, correlation: Mapping[str, Any], payload: Mapping[str, Any],
             actor: Actor) -> SendResult:
        """Deliver to the one waiting instance, start one, keep the message, or answer that none took it."""
        session = self.session()
        key = messages.correlation_key(correlation)
        if len(key) > messages.MAX_CORRELATION_KEY:
            session.rollback()
            raise Invalid(f"the correlation is too long: at most {messages.MAX_CORRELATION_KEY} characters as "
                          "compact JSON", details={"correlation": ["Too long."]})
        declared = messages.definition(session, name)
        if declared is None:
            session.rollback()
            raise NotFound(f"no deployed process declares the message '{name}'")
        if not (actor.is_admin or actor is SYSTEM or set(declared.senders) & actor.groups):
            session.rollback()
            raise Forbidden(f"you may not send the message '{name}'")
        if self.correlation_check is not None and not self.correlation_check(session, actor, name, correlation,
                                                                             payload):
            session.rollback()
            raise NotFound(f"nothing matches this correlation for the message '{name}'")
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
                    self.act(instance_id, actor, deliver_action(name, dict(payload), correlations, actor.username))
                except Conflict as error:
                    if error.code in ("not_waiting", "instance_ended"):
                        session = self.session()
                        continue  # it stopped waiting between the lookup and the lock: route again
                    raise
                return SendResult(delivered=1, instance_id=instance_id)
            if declared.starts:
                session.rollback()
                process_id = declared.starts[0]
                ref = self.start_by_message(process_id, name, dict(correlation), dict(payload), actor)
                return SendResult(delivered=1, instance_id=ref.id)
            if declared.keep:
                kept = messages.keep(session, name, correlation, dict(payload), sender=actor.username, now=self.now(),
                                     expiry_days=declared.expiry_days)
                session.commit()
                return SendResult(delivered=0, kept_until=kept.expires_at)
            session.rollback()
            return SendResult(delivered=0)
        session.rollback()
        raise Conflict("the receiving instance kept changing; try again", code="lost_race")

    def deliver_outbox(self, *, limit: int = 100) -> int:
        """Deliver thrown messages, oldest first, each in its own transaction; the count delivered or kept."""
        token = delivering_outbox.set(True)
        done = 0
        skipped: set[int] = set()
        try:
            for _ in range(limit):
                session = self.session()
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
                if self._deliver_one(row):
                    done += 1
                else:
                    skipped.add(row.id)
        finally:
            delivering_outbox.reset(token)
        return done

    def _deliver_one(self, row: OutboxMessage) -> bool:
        session = self.session()
        key = messages.correlation_key(row.correlation)
        waits = messages.matching_instances(session, row.name, key)
        if len(waits) == 1:
            action = deliver_action(row.name, row.payload, waits[0].correlations, "engine", outbox_id=row.id)
            try:
                # The outbox row's lock is held in this same transaction; the action marks it delivered.
                self.act(waits[0].instance_id, SYSTEM, action)
                return True
            except Conflict as error:
                outcome = f"not delivered: {error.message}"
        elif not waits:
            declared = messages.definition(session, row.name)
            now = self.now()
            if declared is not None and declared.starts:
                session.rollback()
                self.start_by_message(declared.starts[0], row.name, row.correlation, row.payload, SYSTEM)
                session = self.session()
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
        session = self.session()
        session.rollback()
        failed = session.get(OutboxMessage, row.id)
        if failed is not None:
            failed.attempts += 1
            failed.outcome = outcome
            session.commit()
        log.warning("outbox message not delivered", extra={"outbox_id": row.id, "reason": outcome})
        return False


def _nothing(workflow: spiff.Workflow, ctx: StepContext) -> None:
    """An action that only settles: timers refreshed, whatever is due run."""


def _mark(session: Session, outbox_id: int, now: datetime, outcome: str) -> None:
    row = session.get(OutboxMessage, outbox_id)
    assert row is not None
    row.delivered_at, row.outcome = now, outcome
    session.commit()
