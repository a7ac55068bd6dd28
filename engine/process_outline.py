"""One process as its BPMN XML draws it, for the diff in words: its elements (kind, name, lane, what a
boundary event sits on), its sequence flows (name, condition, whether a gateway's default) and its lanes,
each in document order. The parsed spec knows flows only as its elements' inputs and outputs, without
their ids, names or conditions, and lanes only by name; the XML has all of them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from engine import spiff
from engine.errors import NotFound

_B = f"{{{spiff.BPMN_NS}}}"
# Everything a sequence flow may join: activities, events and gateways (BPMN's flow nodes).
_NODE_SUFFIXES = ("Task", "task", "Event", "Gateway")
_NODE_TAGS = {"callActivity", "subProcess", "transaction"}


@dataclass(frozen=True)
class Element:
    id: str
    tag: str  # the BPMN tag without its namespace: userTask, boundaryEvent, exclusiveGateway...
    name: str | None
    event: str | None  # timer, message, signal, error... for an event (and a receive task: message)
    attached_to: str | None  # a boundary event's activity


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str
    name: str | None
    condition: str | None
    default: bool  # the default flow of its gateway


@dataclass
class Outline:
    name: str | None
    properties: dict[str, str]
    elements: dict[str, Element] = field(default_factory=dict)  # by id, in document order
    flows: list[Flow] = field(default_factory=list)
    lanes: dict[str, str] = field(default_factory=dict)  # lane id -> name (or id), in document order
    lane_of: dict[str, str] = field(default_factory=dict)  # element id -> lane id


def outline(files: Mapping[str, bytes], process_id: str) -> Outline:
    """The process ``process_id`` from a version's files; NotFound when none of them holds it."""
    for content in files.values():
        root = etree.fromstring(content)
        for process in root.iter(f"{_B}process"):
            if process.get("id") == process_id:
                return _read(process)
    raise NotFound(f"No process '{process_id}' in the files {', '.join(sorted(files))}")


def process_names(files: Mapping[str, bytes]) -> dict[str, str]:
    """Process id -> name (or id) for every process in a version's files: what a call activity calls."""
    names: dict[str, str] = {}
    for content in files.values():
        for process in etree.fromstring(content).iter(f"{_B}process"):
            names[process.get("id", "")] = _text(process.get("name")) or process.get("id", "")
    return names


def _read(process: Any) -> Outline:
    properties = {prop.get("name"): prop.get("value", "") for prop in process.xpath(
        "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=spiff.NS)}
    found = Outline(_text(process.get("name")), properties)
    defaults = {node.get("default") for node in process.iter() if node.get("default")}
    for node in process.iter():
        if not isinstance(node.tag, str) or not node.tag.startswith(_B):
            continue
        tag = node.tag[len(_B):]
        if tag == "sequenceFlow":
            condition = node.find(f"{_B}conditionExpression")
            found.flows.append(Flow(node.get("id", ""), node.get("sourceRef", ""), node.get("targetRef", ""),
                                    _text(node.get("name")),
                                    _text(condition.text) if condition is not None else None,
                                    node.get("id") in defaults))
        elif tag == "lane":
            found.lanes[node.get("id", "")] = _text(node.get("name")) or node.get("id", "")
            for ref in node.findall(f"{_B}flowNodeRef"):
                found.lane_of[(ref.text or "").strip()] = node.get("id", "")
        elif tag in _NODE_TAGS or tag.endswith(_NODE_SUFFIXES):
            found.elements[node.get("id", "")] = Element(
                node.get("id", ""), tag, _text(node.get("name")), _event_kind(node, tag), node.get("attachedToRef"))
    return found


def _event_kind(node: Any, tag: str) -> str | None:
    if tag == "receiveTask":
        return "message"
    for child in node:
        if isinstance(child.tag, str) and child.tag.endswith("EventDefinition"):
            return str(child.tag[len(_B):].removesuffix("EventDefinition"))
    return None


def _text(value: str | None) -> str | None:
    """A name or expression on one line: modellers wrap long names, which would read as two changes."""
    if value is None:
        return None
    return " ".join(value.split()) or None
