"""Where a family is in its processes: the diagrams of its journey with current and completed steps.

Read from each instance's stored SpiffWorkflow state (the serializer's JSON: a top-level workflow and
one entry per sub-workflow, call activities and embedded subprocesses alike), never by restoring the
workflow: a page view must not run anything. Claim-window instances serve many families, so only the
family's own ``family_audit`` sub-workflows (and the call activity that holds them) are read there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import DefinitionVersion, Instance

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
# SpiffWorkflow 3's TaskState values: waiting (timers, messages), ready, started (a running subprocess).
CURRENT_STATES = frozenset({8, 16, 32})
COMPLETED = 64
GATEWAYS = frozenset({"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
                      "complexGateway"})
FLOW_NODES = GATEWAYS | {
    "task", "userTask", "serviceTask", "scriptTask", "manualTask", "sendTask", "receiveTask", "businessRuleTask",
    "callActivity", "subProcess", "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent"}
AUDIT_PROCESS = "family_audit"
# Started by a message beside the family's journey: shown, but not where the family "is".
SIDE_PROCESSES = frozenset({"identification_alert", "audit_evidence"})
_CACHE_SIZE = 8


@dataclass(frozen=True)
class Node:
    name: str
    kind: str  # the BPMN element's local name: userTask, callActivity, boundaryEvent...


@dataclass(frozen=True)
class DiagramFile:
    name: str
    xml: str
    processes: Mapping[str, str]  # process id -> its name (or id)
    nodes: Mapping[str, Node]


@dataclass
class Diagram:
    """One BPMN file of one instance, as far as this family is concerned."""

    instance_id: int
    process_id: str  # the process the family is in (names the diagram's URL)
    file: str
    title: str
    started_at: datetime
    current: list[str] = field(default_factory=list)  # element ids
    completed: list[str] = field(default_factory=list)
    current_steps: list[str] = field(default_factory=list)  # their names, for the text alternative
    completed_steps: list[str] = field(default_factory=list)
    has_user_task: bool = False


_versions: dict[int, dict[str, DiagramFile]] = {}


def version_files(session: Session, version_id: int) -> dict[str, DiagramFile]:
    """A deployed version's files by process id. Versions never change, so the parse is kept."""
    cached = _versions.get(version_id)
    if cached is not None:
        return cached
    row = session.get(DefinitionVersion, version_id)
    found: dict[str, DiagramFile] = {}
    for name, text in sorted((row.files if row else {}).items()):
        if not name.endswith(".bpmn"):
            continue
        root = etree.fromstring(text.encode("utf-8"), parser=_SAFE_XML)
        processes = {p.get("id"): p.get("name") or p.get("id") for p in root.iter(f"{{{BPMN_NS}}}process")}
        nodes = {el.get("id"): Node(el.get("name") or "", etree.QName(el).localname) for el in root.iter()
                 if isinstance(el.tag, str) and el.get("id") and etree.QName(el).namespace == BPMN_NS
                 and etree.QName(el).localname in FLOW_NODES}
        diagram = DiagramFile(name, text, processes, nodes)
        found.update({process_id: diagram for process_id in processes})
    if len(_versions) >= _CACHE_SIZE:
        _versions.pop(next(iter(_versions)))
    _versions[version_id] = found
    return found


def nodes_of_version(session: Session, version_id: int) -> dict[str, Node]:
    return {key: node for diagram in version_files(session, version_id).values() for key, node in diagram.nodes.items()}


def _base_id(spec: str) -> str:
    return spec.split(" [", 1)[0]  # a multi-instance child is "<id> [child]"


def _family_of(workflow: Mapping[str, Any]) -> str | None:
    root = workflow.get("tasks", {}).get(workflow.get("root"), {})
    data = root.get("data") or {}
    item = data.get("pool_item") or {}
    return item.get("family_ref") or data.get("family_ref")


def workflows_of(instance: Instance, family_ref: str) -> list[tuple[str, Mapping[str, Any]]]:
    """``(process id, workflow)`` pairs of the instance that concern the family; embedded subprocesses
    are attributed to the process whose file draws them."""
    state = json.loads(instance.state or "{}")
    subs: Mapping[str, Mapping[str, Any]] = state.get("subprocesses", {})
    owner = {task_id: key for key, sub in subs.items() for task_id in sub.get("tasks", {})}
    shared = instance.process_id == "claim_window"
    chosen: list[tuple[str, Mapping[str, Any]]] = []
    if not shared:
        chosen.append((instance.process_id, state))
    for key, sub in subs.items():
        top = key
        while top in subs and subs[top].get("spec") != AUDIT_PROCESS and owner.get(subs[top].get("parent_task_id")):
            top = owner[subs[top]["parent_task_id"]]  # up to the family's audit, if inside one
        if shared and (subs.get(top, {}).get("spec") != AUDIT_PROCESS or _family_of(subs[top]) != family_ref):
            continue
        if shared and top == key:  # the call activity that holds this family's audit
            parent = state.get("tasks", {}).get(sub.get("parent_task_id"))
            if parent:
                chosen.append((instance.process_id, {"tasks": {parent["id"]: parent}}))
        chosen.append((str(sub.get("spec")), sub))
    return chosen


def diagrams_of(session: Session, instance: Instance, family_ref: str) -> tuple[list[Diagram], dict[str, str]]:
    """The instance's diagrams for the family, and which process each of its task ids ran in."""
    files = version_files(session, instance.version_id)
    by_file: dict[str, Diagram] = {}
    task_process: dict[str, str] = {}
    states: dict[str, dict[str, set[int]]] = {}
    for process_id, workflow in workflows_of(instance, family_ref):
        diagram_file = files.get(process_id)
        if diagram_file is None:  # an embedded subprocess: drawn in its parent's file, found by its id
            diagram_file = next((f for f in files.values() if process_id in f.nodes), None)
            if diagram_file is None:
                continue
        entry = by_file.get(diagram_file.name)
        if entry is None:
            main = process_id if process_id in diagram_file.processes else next(iter(diagram_file.processes))
            entry = by_file[diagram_file.name] = Diagram(instance.id, main, diagram_file.name,
                                                         diagram_file.processes[main], instance.created_at)
        elif process_id in diagram_file.processes and process_id != instance.process_id:
            entry.process_id, entry.title = process_id, diagram_file.processes[process_id]  # the deeper one
        seen = states.setdefault(diagram_file.name, {})
        for task in workflow.get("tasks", {}).values():
            task_process[str(task.get("id"))] = entry.title
            seen.setdefault(_base_id(str(task.get("task_spec"))), set()).add(int(task.get("state", 0)))
    for name, entry in by_file.items():
        _mark(entry, states[name], next(f for f in files.values() if f.name == name).nodes)
    return list(by_file.values()), task_process


def _mark(entry: Diagram, seen: Mapping[str, set[int]], nodes: Mapping[str, Node]) -> None:
    for element_id, node in nodes.items():
        found = seen.get(element_id, set())
        if found & CURRENT_STATES and node.kind != "boundaryEvent":  # a boundary waits with its activity
            entry.current.append(element_id)
            if node.name and node.kind not in GATEWAYS:
                entry.current_steps.append(node.name)
            entry.has_user_task = entry.has_user_task or (node.kind == "userTask" and 16 in found)
        elif COMPLETED in found:
            entry.completed.append(element_id)
            if node.name and node.kind not in GATEWAYS:
                entry.completed_steps.append(node.name)


def choose(diagrams: Iterable[Diagram]) -> Diagram | None:
    """Where the family is: its journey's step waiting for people first (the TF team's side processes
    after it), then whatever is running; the newest of equals."""
    def rank(d: Diagram) -> tuple[bool, bool, bool, bool, datetime, int]:
        main = d.process_id not in SIDE_PROCESSES
        return (d.has_user_task and main, d.has_user_task, bool(d.current) and main, bool(d.current),
                d.started_at, d.instance_id)

    return max(diagrams, key=rank, default=None)


def instance_rows(session: Session, ids: Iterable[int]) -> list[Instance]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(session.scalars(select(Instance).where(Instance.id.in_(wanted)).order_by(Instance.id)))
