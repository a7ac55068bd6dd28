"""Messages: which instance waits for what, the buffer of early arrivals, and the outbox of throws.

The unit of matching is an instance: a message ``name`` with a flat ``correlation`` map
(``{"family_ref": "F-2027-000123"}``) matches the instances whose waiting catch events have exactly
that name and those correlation values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import spiff
from engine.locking import first_unclaimed
from engine.models import BufferedMessage, DefinitionMessage, DefinitionVersion, MessageWait, OutboxMessage
from engine.steps import StepContext

MAX_CORRELATION_KEY = 1000  # the correlation_key columns' length


def correlation_key(flat: Mapping[str, Any]) -> str:
    return json.dumps(dict(flat), sort_keys=True, separators=(",", ":"), default=str)


def signal_address(instance_id: int) -> dict[str, Any]:
    """A signal wait is keyed by its instance: a signal is delivered to each waiting instance in turn."""
    return {"signal": {"instance_id": instance_id}}


def signal_waiters(session: Session, name: str, *, besides: int | None = None) -> list[MessageWait]:
    query = select(MessageWait).where(MessageWait.name == spiff.SIGNAL_PREFIX + name).order_by(MessageWait.instance_id)
    if besides is not None:
        query = query.where(MessageWait.instance_id != besides)
    return list(session.scalars(query))


def sync_waits(ctx: StepContext, workflow: spiff.Workflow, active: bool) -> None:
    session, instance_id = ctx.session, ctx.instance.id
    wanted = {}
    if active:
        for wait in spiff.waiting_messages(workflow):
            correlations = signal_address(instance_id) if wait.name.startswith(spiff.SIGNAL_PREFIX) \
                else wait.correlations
            wanted[(wait.name, correlation_key(spiff.flatten(correlations)))] = correlations
    existing = {
        (w.name, w.correlation_key): w
        for w in session.scalars(select(MessageWait).where(MessageWait.instance_id == instance_id))
    }
    for pair, row in existing.items():
        if pair not in wanted:
            session.delete(row)
    for (name, key), correlations in wanted.items():
        if (name, key) not in existing:
            session.add(MessageWait(instance_id=instance_id, name=name, correlation_key=key,
                                    correlations=correlations))


def matching_instances(session: Session, name: str, key: str) -> list[MessageWait]:
    """At most two waits: one is a match, two is an ambiguity; the rest is not worth reading."""
    return list(
        session.scalars(
            select(MessageWait).where(MessageWait.name == name, MessageWait.correlation_key == key).limit(2)
        )
    )


def definition(session: Session, name: str) -> DefinitionMessage | None:
    """The message as declared by the latest bundle that declares it."""
    return session.scalar(
        select(DefinitionMessage)
        .join(DefinitionVersion, DefinitionVersion.id == DefinitionMessage.version_id)
        .where(DefinitionMessage.name == name)
        .order_by(DefinitionVersion.version.desc())
        .limit(1)
    )


def keep(session: Session, name: str, flat: Mapping[str, Any], payload: Any, *, sender: str, now: datetime,
         expiry_days: int) -> BufferedMessage:
    row = BufferedMessage(
        name=name, correlation_key=correlation_key(flat), payload=payload if isinstance(payload, dict) else {},
        sender=sender, received_at=now, expires_at=now + timedelta(days=expiry_days),
    )
    session.add(row)
    session.flush()
    return row


def take_buffered(session: Session, name: str, key: str, now: datetime) -> BufferedMessage | None:
    """The oldest kept, unexpired, undelivered message for this wait, locked so it is delivered once."""
    statement = (
        select(BufferedMessage)
        .where(BufferedMessage.name == name, BufferedMessage.correlation_key == key,
               BufferedMessage.delivered_at.is_(None), BufferedMessage.expires_at > now)
        .order_by(BufferedMessage.id)
        .limit(1)
    )
    return first_unclaimed(session, statement)


def deliver_buffered(ctx: StepContext, workflow: spiff.Workflow) -> bool:
    """Give the first waiting catch that has a kept message its message; True when one was delivered."""
    for wait in spiff.waiting_messages(workflow):
        name = wait.name
        buffered = take_buffered(ctx.session, name, correlation_key(spiff.flatten(wait.correlations)), ctx.now)
        if buffered is None:
            continue
        spiff.send_message(workflow, name, buffered.payload, wait.correlations)
        buffered.delivered_at = ctx.now
        buffered.delivered_to = ctx.instance.id
        ctx.record("message_received", actor=buffered.sender,
                   data={"name": name, "payload": buffered.payload, "kept_since": buffered.received_at.isoformat()})
        return True
    return False


def throw_to_outbox(ctx: StepContext, workflow: spiff.Workflow) -> int:
    """Messages the process threw that nothing inside it caught, written with this step."""
    count = 0
    for message in spiff.thrown_messages(workflow):
        payload = message.payload if isinstance(message.payload, dict) else {"value": message.payload}
        if message.name.startswith(spiff.SIGNAL_PREFIX):
            count += _signal_to_outbox(ctx, message.name, payload)
            continue
        flat = message.correlations
        ctx.session.add(OutboxMessage(source_instance_id=ctx.instance.id, name=message.name, correlation=flat,
                                      payload=json.loads(json.dumps(payload, default=str)), created_at=ctx.now))
        ctx.record("message_thrown", actor="engine", data={"name": message.name, "correlation": flat})
        count += 1
    return count



def _signal_to_outbox(ctx: StepContext, name: str, payload: dict[str, Any]) -> int:
    """A signal reaches every other instance waiting for it: one outbox row each, delivered one instance
    per transaction (the thrower's own catches took it inside its step)."""
    waiters = signal_waiters(ctx.session, name.removeprefix(spiff.SIGNAL_PREFIX), besides=ctx.instance.id)
    for wait in waiters:
        ctx.session.add(OutboxMessage(source_instance_id=ctx.instance.id, name=name,
                                      correlation=spiff.flatten(signal_address(wait.instance_id)),
                                      payload=json.loads(json.dumps(payload, default=str)), created_at=ctx.now))
    ctx.record("signal_thrown", actor="engine", data={"name": name.removeprefix(spiff.SIGNAL_PREFIX),
                                                      "waiting_instances": len(waiters)})
    return len(waiters)
