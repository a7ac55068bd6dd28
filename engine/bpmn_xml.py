"""Reading what SpiffWorkflow does not parse from the BPMN XML itself (with lxml, at deploy):
process-level properties, message properties, and which file holds a process."""

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
