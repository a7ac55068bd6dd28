"""Messages: which instance waits for what, the buffer of early arrivals, and the outbox of throws.

The unit of matching is an instance: a message ``name`` with a flat ``correlation`` map
(``{"family_ref": "F-2027-000123"}``) matches the instances whose waiting catch events have exactly
that name and those correlation values.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import spiff
from engine.locking import first_unclaimed
from engine.models import BufferedMessage, DefinitionMessage, DefinitionVersion, MessageWait, OutboxMessage
from engine.steps import StepContext

MESSAGE_EVENT = "MessageEventDefinition"


def flatten(correlations: Mapping[str, Any]) -> dict[str, Any]:
    """SpiffWorkflow's ``{key: {property: value}}`` as one flat ``{property: value}`` map."""
    flat: dict[str, Any] = {}
    for properties in correlations.values():
        if isinstance(properties, Mapping):
            flat.update(properties)
    return flat


def correlation_key(flat: Mapping[str, Any]) -> str:
    return json.dumps(dict(flat), sort_keys=True, separators=(",", ":"), default=str)


def spiff_event(name: str, payload: Any, correlations: Mapping[str, Any]) -> Any:
    """The event SpiffWorkflow catches. It recomputes the correlation from the payload when the catch
    fires, so the correlation values go into the payload too: senders need not repeat them."""
    if isinstance(payload, Mapping):
        payload = {**flatten(correlations), **payload}
    return BpmnEvent(MessageEventDefinition(name), payload=payload, correlations=dict(correlations))


def waiting_messages(workflow: spiff.Workflow) -> list[tuple[str, dict[str, Any]]]:
    """(name, nested correlations) for every message catch the workflow is waiting on, including the
    message starts of its event subprocesses (SpiffWorkflow creates those only when one arrives)."""
    waits = [
        (event.name, dict(event.correlations or {}))
        for event in workflow.waiting_events()
        if event.event_type == MESSAGE_EVENT
    ]
    if not workflow.is_completed():
        waits += list(_event_subprocess_triggers(workflow))
    return waits


def _event_subprocess_triggers(workflow: spiff.Workflow) -> Iterator[tuple[str, dict[str, Any]]]:
    data = spiff.data_at(workflow)
    for name in getattr(workflow.spec.start, "trigger_specs", []):
        spec = workflow.subprocess_specs.get(name)
        for start in getattr(spec, "bpmn_start_events", []):
            definition = start.event_definition
            if type(definition).__name__ != MESSAGE_EVENT:
                continue
            properties = getattr(definition, "process_correlations", None)
            correlations = (definition.calculate_correlations(workflow.script_engine, properties, data)
                            if properties else dict(workflow.correlations))
            yield definition.name, correlations


def sync_waits(ctx: StepContext, workflow: spiff.Workflow, active: bool) -> None:
    session, instance_id = ctx.session, ctx.instance.id
    wanted = {}
    if active:
        for name, correlations in waiting_messages(workflow):
            wanted[(name, correlation_key(flatten(correlations)))] = correlations
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
    for name, correlations in waiting_messages(workflow):
        buffered = take_buffered(ctx.session, name, correlation_key(flatten(correlations)), ctx.now)
        if buffered is None:
            continue
        workflow.send_event(spiff_event(name, buffered.payload, correlations))
        buffered.delivered_at = ctx.now
        buffered.delivered_to = ctx.instance.id
        ctx.record("message_received", actor=buffered.sender,
                   data={"name": name, "payload": buffered.payload, "kept_since": buffered.received_at.isoformat()})
        return True
    return False


def throw_to_outbox(ctx: StepContext, workflow: spiff.Workflow) -> int:
    """Messages the process threw that nothing inside it caught, written with this step."""
    count = 0
    for event in workflow.get_events():
        definition_ = event.event_definition
        if type(definition_).__name__ != MESSAGE_EVENT:
            continue
        payload = event.payload if isinstance(event.payload, dict) else {"value": event.payload}
        flat = flatten(event.correlations or {})
        ctx.session.add(OutboxMessage(source_instance_id=ctx.instance.id, name=definition_.name, correlation=flat,
                                      payload=json.loads(json.dumps(payload, default=str)), created_at=ctx.now))
        ctx.record("message_thrown", actor="engine", data={"name": definition_.name, "correlation": flat})
        count += 1
    return count

