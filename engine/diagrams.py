"""An instance as its diagrams show it, read only: the BPMN files of its pinned version with each
element's name and type, and where each of its workflows is (current and completed element ids).

Read from the stored state and the version's files: nothing is restored or run, so a page view costs a
JSON parse (and, once per version, an XML parse). Also the user and manual task types of the latest
version of each deployed process, for filtering an inbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast, get_args

from lxml import etree
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from engine import spiff
from engine.definitions import Definitions
from engine.models import DefinitionVersion, Instance, ProcessVersion
from engine.spiff import HumanTaskType, StoredWorkflow

__all__ = ["DiagramFile", "Element", "ElementType", "HumanTaskType", "InstanceProgress", "StoredWorkflow",
           "clear_cache", "elements_of_instance", "elements_of_version", "human_task_types", "instance_files",
           "progress", "version_files"]

ElementType = Literal[
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask", "receiveTask", "businessRuleTask",
    "callActivity", "subProcess", "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "complexGateway",
]
ELEMENT_TYPES: frozenset[str] = frozenset(get_args(ElementType))
GATEWAYS: frozenset[str] = frozenset(t for t in ELEMENT_TYPES if t.endswith("Gateway"))
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_CACHE_SIZE = 8  # versions whose files are kept parsed


@dataclass(frozen=True)
class Element:
    name: str
    kind: ElementType  # the element's type: its BPMN local name (userTask, callActivity, boundaryEvent...)


@dataclass(frozen=True)
class DiagramFile:
    name: str
    xml: str
    processes: Mapping[str, str]  # process id -> its name (or id)
    nodes: Mapping[str, Element]  # element id -> the element, for every flow node drawn in the file


@dataclass(frozen=True)
class InstanceProgress:
    workflows: list[StoredWorkflow]  # the top-level workflow first, then each sub-workflow
    files: Mapping[str, DiagramFile]  # the pinned version's BPMN files, by each process id they hold


# Parsed bundles by their content's sha256, not their row id: an id names other content in another
# database (a restore, or tests that empty theirs), a content hash never does.
_versions: dict[str, dict[str, DiagramFile]] = {}


def version_files(session: Session, version_id: int) -> dict[str, DiagramFile]:
    """A deployed version's BPMN files by process id. Versions never change, so the parse is kept."""
    sha256 = session.scalar(select(DefinitionVersion.sha256).where(DefinitionVersion.id == version_id))
    cached = _versions.get(sha256) if sha256 is not None else None
    if cached is not None:
        return cached
    row = session.get(DefinitionVersion, version_id)
    found: dict[str, DiagramFile] = {}
    for name, text in sorted((row.files if row else {}).items()):
        if not name.endswith(".bpmn"):
            continue
        root = etree.fromstring(text.encode("utf-8"), parser=_SAFE_XML)
        processes = {p.get("id"): p.get("name") or p.get("id") for p in root.iter(f"{{{spiff.BPMN_NS}}}process")}
        nodes = {el.get("id"): Element(el.get("name") or "", cast(ElementType, etree.QName(el).localname))
                 for el in root.iter()
                 if isinstance(el.tag, str) and el.get("id") and etree.QName(el).namespace == spiff.BPMN_NS
                 and etree.QName(el).localname in ELEMENT_TYPES}
        diagram = DiagramFile(name, text, processes, nodes)
        found.update({process_id: diagram for process_id in processes})
    if row is None:
        return found
    if len(_versions) >= _CACHE_SIZE:
        _versions.pop(next(iter(_versions)))
    _versions[row.sha256] = found
    return found


def clear_cache() -> None:
    """Forget parsed versions (a test that counts parses starts from none)."""
    _versions.clear()


def instance_files(session: Session, instance: Instance) -> dict[str, DiagramFile]:
    """The files drawing an instance's processes: each pinned process from its pinned version's bundle
    (a called process published alone lives in another bundle than its caller)."""
    own = version_files(session, instance.version_id)
    if not instance.pins:
        return own
    found = dict(own)
    wanted = [(p, n) for p, n in instance.pins.items() if p != instance.process_id]
    if wanted:
        rows = session.execute(select(ProcessVersion.process_id, ProcessVersion.bundle_id).where(
            tuple_(ProcessVersion.process_id, ProcessVersion.number).in_(wanted)))
        for process_id, bundle_id in rows:
            drawn = version_files(session, bundle_id).get(process_id)
            if drawn is not None:
                found[process_id] = drawn
    return found


def elements_of_instance(session: Session, instance: Instance) -> dict[str, Element]:
    """Every flow node of the versions an instance pinned, by element id."""
    return {key: node for diagram in instance_files(session, instance).values() for key, node in diagram.nodes.items()}


def elements_of_version(session: Session, version_id: int) -> dict[str, Element]:
    """Every flow node of a version, by element id."""
    return {key: node for diagram in version_files(session, version_id).values() for key, node in diagram.nodes.items()}


def progress(session: Session, instance: Instance) -> InstanceProgress:
    """Where each workflow of the instance is, and the files that draw them."""
    return InstanceProgress(spiff.read_state(instance.state, instance.process_id), instance_files(session, instance))


def human_task_types(session: Session, definitions: Definitions) -> list[HumanTaskType]:
    """The user and manual tasks of the current version of each deployed process (and what it calls),
    by name, each with its lane. Read from the parsed definitions (cached per version), so it costs
    nothing per open task."""
    newest = (select(ProcessVersion.process_id, func.max(ProcessVersion.number).label("number"))
              .group_by(ProcessVersion.process_id).subquery())
    latest = session.execute(
        select(ProcessVersion.process_id, ProcessVersion.bundle_id)
        .join(newest, (newest.c.process_id == ProcessVersion.process_id) & (newest.c.number == ProcessVersion.number))
        .order_by(ProcessVersion.process_id)
    ).all()
    found: dict[str, HumanTaskType] = {}
    for process_id, version_id in latest:
        for task_type in spiff.human_task_types(definitions.load(session, version_id).bundle, process_id):
            found.setdefault(task_type.bpmn_id, task_type)
    return sorted(found.values(), key=lambda t: (t.name, t.bpmn_id))
