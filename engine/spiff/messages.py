"""Messages and signals in and out of a workflow: what it waits for, handing it one, and what it threw.

SpiffWorkflow keys correlations as ``{key: {property: value}}``; the engine matches on one flat
``{property: value}`` map (``flatten``). Delivery uses ``send_event``, never ``catch()``: an event
nothing waits for would be queued as outgoing without a word.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition, SignalEventDefinition

from engine.spiff.specs import MESSAGE_EVENT
from engine.spiff.tasks import data_at, waiting_events
from engine.spiff.types import Workflow

# Signals travel the message routes under this prefix (``signal:go``): waits, the outbox and delivery.
SIGNAL_PREFIX = "signal:"
SIGNAL_EVENT = "SignalEventDefinition"


class NotWaiting(WorkflowException):
    """The workflow refused the message: nothing in it waits for that name and correlation."""


@dataclass(frozen=True)
class Wait:
    name: str
    correlations: dict[str, Any]  # nested, as SpiffWorkflow keeps them


@dataclass(frozen=True)
class Thrown:
    name: str
    payload: Any
    correlations: dict[str, Any]  # flat


def flatten(correlations: Mapping[str, Any]) -> dict[str, Any]:
    """SpiffWorkflow's ``{key: {property: value}}`` as one flat ``{property: value}`` map."""
    flat: dict[str, Any] = {}
    for properties in correlations.values():
        if isinstance(properties, Mapping):
            flat.update(properties)
    return flat


def send_message(workflow: Workflow, name: str, payload: Any, correlations: Mapping[str, Any]) -> None:
    """Hand the workflow a message; ``NotWaiting`` when it refuses it.

    The catch recomputes the correlation from the payload when it fires, so the correlation values go
    into the payload too: senders need not repeat them.
    """
    if name.startswith(SIGNAL_PREFIX):  # a signal has no correlation: it goes to whatever waits for it
        event = BpmnEvent(SignalEventDefinition(name.removeprefix(SIGNAL_PREFIX)), payload=payload)
    else:
        if isinstance(payload, Mapping):
            payload = {**flatten(correlations), **payload}
        event = BpmnEvent(MessageEventDefinition(name), payload=payload, correlations=dict(correlations))
    try:
        workflow.send_event(event)
    except WorkflowException as error:
        raise NotWaiting(str(error)) from error


def waiting_messages(workflow: Workflow) -> list[Wait]:
    """Every message catch the workflow waits on, including the message starts of its event
    subprocesses (SpiffWorkflow creates those only when one arrives)."""
    found = [
        Wait(event.name, dict(event.correlations or {})) if event.event_type == MESSAGE_EVENT
        else Wait(SIGNAL_PREFIX + event.name, {})
        for event in waiting_events(workflow)
        if event.event_type in (MESSAGE_EVENT, SIGNAL_EVENT)
    ]
    if not workflow.is_completed():
        found += list(_event_subprocess_triggers(workflow))
    return found


def _event_subprocess_triggers(workflow: Workflow) -> Iterator[Wait]:
    data = data_at(workflow)
    for name in getattr(workflow.spec.start, "trigger_specs", []):
        spec = workflow.subprocess_specs.get(name)
        for start in getattr(spec, "bpmn_start_events", []):
            definition = start.event_definition
            if type(definition).__name__ == SIGNAL_EVENT:
                yield Wait(SIGNAL_PREFIX + definition.name, {})
            if type(definition).__name__ != MESSAGE_EVENT:
                continue
            properties = getattr(definition, "process_correlations", None)
            correlations = (definition.calculate_correlations(workflow.script_engine, properties, data)
                            if properties else dict(workflow.correlations))
            yield Wait(definition.name, correlations)


def thrown_messages(workflow: Workflow) -> list[Thrown]:
    """Messages and signals the workflow threw that nothing inside it caught (taken from it: asked once per step)."""
    found = []
    for event in workflow.get_events():
        definition = event.event_definition
        if type(definition).__name__ == SIGNAL_EVENT:  # one nothing in the workflow caught
            found.append(Thrown(SIGNAL_PREFIX + definition.name, event.payload, {}))
        elif type(definition).__name__ == MESSAGE_EVENT:
            found.append(Thrown(definition.name, event.payload, flatten(event.correlations or {})))
    return found
