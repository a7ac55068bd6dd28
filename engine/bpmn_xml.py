"""Reading what SpiffWorkflow does not parse from the BPMN XML itself (with lxml, at deploy):
process-level properties, message properties, which file holds a process, and where a piece of code
sits in its file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import spiff


def file_of(roots: Mapping[str, Any], process_id: str) -> str:
    for name, root in roots.items():
        for process in root.iter(f"{{{spiff.BPMN_NS}}}process"):
            if process.get("id") == process_id:
                return name
    return "-"


def process_properties(roots: Mapping[str, Any], process_id: str) -> tuple[str | None, dict[str, str]]:
    """SpiffWorkflow 3.2 parses extensions only on tasks, so process-level properties are read here."""
    for root in roots.values():
        for process in root.iter(f"{{{spiff.BPMN_NS}}}process"):
            if process.get("id") != process_id:
                continue
            properties = {
                prop.get("name"): prop.get("value", "")
                for prop in process.xpath(
                    "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=spiff.NS
                )
            }
            return process.get("name"), properties
    return None, {}


def messages(roots: Mapping[str, Any], bundle: spiff.ParsedBundle) -> list[dict[str, Any]]:
    """Each ``bpmn:message`` with its deploy-time properties and the processes it starts."""
    starts = spiff.message_starts(bundle)
    found: dict[str, dict[str, Any]] = {}
    for root in roots.values():
        for message in root.iter(f"{{{spiff.BPMN_NS}}}message"):
            name = message.get("name") or message.get("id")
            properties = {
                prop.get("name"): prop.get("value", "")
                for prop in message.xpath(
                    "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=spiff.NS
                )
            }
            found[name] = {
                "name": name,
                "keep": properties.get("keep", "true").strip().lower() not in {"false", "no", "0"},
                "expiry_days": int(properties.get("expiry_days", "30") or 30),
                "senders": [g.strip() for g in properties.get("senders", "").split(",") if g.strip()],
                "starts": sorted(starts.get(name, [])),
            }
    return list(found.values())


def code_holder(root: Any, element_id: str | None, code: str) -> tuple[Any, Any] | None:
    """Where a piece of an element's code sits in the file: ``(owner, node)``, the node whose text (or
    ``value`` attribute) is the code and the flow element it belongs to. The parser hands a condition
    to its gateway and an event-based gateway's timers and messages to the gateway, so the flows
    leaving the element, and an event-based gateway's branch events, are searched too. None when the
    code is not written out in the element (a DMN cell, a correlation at the definitions level)."""
    if root is None or not element_id:
        return None
    found = root.xpath("//*[@id=$id]", id=element_id)
    if not found:
        return None
    element = found[0]
    flows = root.xpath("//bpmn:sequenceFlow[@sourceRef=$id]", id=element_id, namespaces=spiff.NS)
    owners = [element, *flows]
    if element.tag == f"{{{spiff.BPMN_NS}}}eventBasedGateway":
        owners += [target for flow in flows
                   for target in root.xpath("//*[@id=$id]", id=flow.get("targetRef"))]
    wanted = code.strip()
    for owner in owners:
        for node in owner.iter():
            if not isinstance(node.tag, str):
                continue
            if (node.text or "").strip() == wanted or (node.get("value") or "").strip() == wanted:
                return owner, node
    return None


def element_by_id(roots: Mapping[str, Any], element_id: str) -> tuple[str, Any] | None:
    """The file and element with this XML id, in any file of the bundle (a DMN cell's, say)."""
    for name, root in roots.items():
        found = root.xpath("//*[@id=$id]", id=element_id)
        if found:
            return name, found[0]
    return None


def timer_line(roots: Mapping[str, Any], element_id: str | None) -> int | None:
    """The file line of an event's timer expression (None: the event's own line is used)."""
    found = element_by_id(roots, element_id) if element_id else None
    if found is None:
        return None
    timers = found[1].xpath(".//bpmn:timeDuration | .//bpmn:timeDate | .//bpmn:timeCycle", namespaces=spiff.NS)
    return int(timers[0].sourceline) if timers else None
