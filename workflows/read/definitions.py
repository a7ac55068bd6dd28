"""The deployed process definitions, for the process owners' pages: every version of every process, the
instances waiting in it on each, one version's files, and what changed between two versions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.live_counts import live_counts as engine_live_counts
from engine.models import DefinitionProcess, InstanceWait, ProcessVersion
from engine.queries import process_version
from engine.spec_diff import describe_changes
from engine.waits import INCIDENT

BPMN_PROCESS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}process"


@dataclass
class ProcessVersions:
    """One process with its versions, newest first (the first is current), and the active instances
    pinned to each version number."""

    process_id: str
    name: str | None
    versions: list[ProcessVersion] = field(default_factory=list)
    live: Mapping[int, int] = field(default_factory=dict)

    @property
    def current(self) -> int:
        return self.versions[0].number


@dataclass
class VersionDetail:
    process_id: str
    name: str | None
    version: ProcessVersion
    current: int
    files: dict[str, str]  # the bundle's files as deployed
    diagram_file: str | None  # the file that holds the process (what the page draws)

    def processes_beside(self) -> list[str]:
        """The other processes the drawn file defines: a rollback publishes the whole file, so each of them
        goes back to this file's content too (the page says so before anyone presses the button)."""
        if self.diagram_file is None:
            return []
        root = etree.fromstring(self.files[self.diagram_file].encode("utf-8"), etree.XMLParser(resolve_entities=False))
        return [str(p.get("id")) for p in root.iter(BPMN_PROCESS) if p.get("id") != self.process_id]

    def element_names(self) -> dict[str, str]:
        """Each named element of the drawn file by id: the live counts' table says "Review", not its id."""
        if self.diagram_file is None:
            return {}
        root = etree.fromstring(self.files[self.diagram_file].encode("utf-8"), etree.XMLParser(resolve_entities=False))
        return {str(e.get("id")): str(e.get("name")) for e in root.iter() if e.get("id") and e.get("name")}


def deployed_processes(session: Session, *, limit: int) -> list[ProcessVersions]:
    """Every process with its versions (at most ``limit`` version rows), by process id."""
    rows = session.execute(
        select(ProcessVersion, DefinitionProcess.name)
        .join(DefinitionProcess, (DefinitionProcess.version_id == ProcessVersion.bundle_id)
              & (DefinitionProcess.process_id == ProcessVersion.process_id))
        .order_by(ProcessVersion.process_id, ProcessVersion.number.desc()).limit(limit)).all()
    processes: dict[str, ProcessVersions] = {}
    for version, name in rows:
        processes.setdefault(version.process_id, ProcessVersions(version.process_id, name)).versions.append(version)
    for process in processes.values():
        process.live = live_instances(session, process.process_id)
    return list(processes.values())


def version_numbers(session: Session, process_id: str) -> list[int]:
    """The version numbers of one process, newest first (the diff page's choices): no live counts."""
    return list(session.scalars(select(ProcessVersion.number).where(ProcessVersion.process_id == process_id)
                                .order_by(ProcessVersion.number.desc())))


def live_instances(session: Session, process_id: str) -> dict[int, int]:
    """Instances waiting in a process now, per version of it: distinct instances with a row in the live
    wait projection (engine/waits.py) for ``process_id``, by the version number they pinned. An instance
    of a process that calls this one counts while it waits inside the called process. An instance waiting
    at two steps at once counts once; an errored one counts at the waits it keeps, as the version page's
    counts do (its incident row is not a wait). One index range per process (ix_instance_wait_instances),
    never a scan of the instances: the list page stays fast with hundreds of thousands of them."""
    return {number: count for number, count in session.execute(
        select(InstanceWait.version, func.count(InstanceWait.instance_id.distinct()))
        .where(InstanceWait.process_id == process_id, InstanceWait.kind != INCIDENT)
        .group_by(InstanceWait.version))}


def live_counts(session: Session, process_id: str, number: int) -> dict[str, int]:
    """How many live instances wait at each element of one version (the live wait projection, counts
    only): what the version page overlays on its diagram. An incident (an errored instance) is not a wait."""
    counts: Counter[str] = Counter()
    for row in engine_live_counts(session, process_id):
        if row.version == number and row.kind != INCIDENT:
            counts[row.element_id] += row.instances
    return dict(counts)


def version_detail(session: Session, process_id: str, number: int) -> VersionDetail:
    """One version with its bundle's files; NotFound when the process has no such version."""
    version, process, bundle, current = process_version(session, process_id, number)
    return VersionDetail(process_id, process.name, version, current, dict(bundle.files),
                         process_file(bundle.files, process_id))


def process_file(files: Mapping[str, str], process_id: str) -> str | None:
    """The name of the .bpmn file that defines ``process_id`` (a bundle may hold several processes)."""
    for name in sorted(files):
        if not name.endswith(".bpmn"):
            continue
        root = etree.fromstring(files[name].encode("utf-8"), etree.XMLParser(resolve_entities=False))
        if any(p.get("id") == process_id for p in root.iter(BPMN_PROCESS)):
            return name
    return None


def _as_bytes(files: Mapping[str, str]) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in files.items()}


def version_changes(session: Session, process_id: str, old: int, new: int) -> list[str]:
    """What changed from version ``old`` of a process to version ``new``, one sentence each (the engine's
    diff in words); NotFound when the process has no such version. Either order: from a newer version to
    an older one says what a rollback would change."""
    return describe_changes(_own_files(session, process_id, old), _own_files(session, process_id, new), process_id)


def _own_files(session: Session, process_id: str, number: int) -> dict[str, bytes]:
    """The file that holds the process, alone: a version published in a bundle of five files is compared
    like for like with one published alone (the parser reads a bundle's other files too: a message's
    correlation properties defined in another file would read as a change)."""
    _, _, bundle, _ = process_version(session, process_id, number)
    own = process_file(bundle.files, process_id)
    return _as_bytes({own: bundle.files[own]} if own else bundle.files)


def rollback_files(session: Session, process_id: str, number: int) -> dict[str, bytes]:
    """What a rollback publishes: the file of an older version that holds the process, as it was."""
    detail = version_detail(session, process_id, number)
    if detail.diagram_file is None:
        return _as_bytes(detail.files)
    return {detail.diagram_file: detail.files[detail.diagram_file].encode("utf-8")}

