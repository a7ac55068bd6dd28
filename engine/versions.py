"""Versions per process: each process's content hash, publishing its next number, and pins.

A bundle is the unit of upload; a version is one process's content as some bundle holds it. A process's
newest number is its current version. Publishing content identical to the current version writes
nothing; content identical to an older one is a new current version (a rollback).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import spiff
from engine.errors import Invalid, PublishRace
from engine.models import DefinitionVersion, ProcessVersion

NOTE_LIMIT = 2000


def check_note(note: str | None) -> str:
    """The change note every publish needs, stripped; refused when blank or too long."""
    text = (note or "").strip()
    if not text:
        raise Invalid("a change note is required: say what changed and why")
    if len(text) > NOTE_LIMIT:
        raise Invalid(f"the change note is longer than {NOTE_LIMIT} characters")
    return text


def top_level_processes(roots: Mapping[str, Any]) -> dict[str, Any]:
    """Every ``bpmn:process`` element of the bundle by id (embedded subprocesses are part of theirs)."""
    return {process.get("id"): process
            for name, root in roots.items() if not name.lower().endswith(".dmn")
            for process in root.iter(f"{{{spiff.BPMN_NS}}}process")}


def process_hashes(roots: Mapping[str, Any], process_ids: list[str]) -> dict[str, str]:
    """sha256 of each process's own content: its ``bpmn:process`` element, the messages its file declares
    and every DMN file of the bundle (a business rule task reads them). The diagram's layout and the other
    processes of its file are left out, so moving a shape or changing a neighbour is no new version."""
    processes = top_level_processes(roots)
    dmn = b"".join(etree.tostring(root, method="c14n") for name, root in sorted(roots.items())
                   if name.lower().endswith(".dmn"))
    hashes = {}
    for process_id in process_ids:
        element = processes.get(process_id)
        if element is None:
            continue
        root = element.getroottree().getroot()
        messages = b"".join(etree.tostring(m, method="c14n") for m in root.iter(f"{{{spiff.BPMN_NS}}}message"))
        hashes[process_id] = hashlib.sha256(etree.tostring(element, method="c14n") + messages + dmn).hexdigest()
    return hashes


def _elements(process: Any) -> dict[str, tuple[str, bytes]]:
    """Each element with an id inside a process: (its BPMN type, its canonical XML without children)."""
    found = {}
    for element in process.iter():
        if not isinstance(element.tag, str) or not element.get("id") or element is process:
            continue
        attributes = sorted((k, v) for k, v in element.attrib.items())
        text = (element.text or "").strip() if len(element) == 0 else ""
        found[element.get("id")] = (etree.QName(element).localname, repr((attributes, text)).encode())
    return found


def diff_summary(old: Any | None, new: Any) -> str:
    """Elements added, removed and changed between two versions of a process, by id and type (a short
    summary for the version list; the diff in words is engine's separate work)."""
    if old is None:
        return "first version"
    before, after = _elements(old), _elements(new)
    added = len(after.keys() - before.keys())
    removed = len(before.keys() - after.keys())
    changed = sum(1 for key in before.keys() & after.keys() if before[key] != after[key])
    if not (added or removed or changed):
        return "no element changed"
    return f"{added} added, {removed} removed, {changed} changed"


def current(session: Session, process_id: str) -> ProcessVersion | None:
    return session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
                          .order_by(ProcessVersion.number.desc()).limit(1))


def current_numbers(session: Session, process_ids: list[str]) -> dict[str, int]:
    """The current version number of each of ``process_ids`` that has one."""
    rows = session.execute(select(ProcessVersion.process_id, func.max(ProcessVersion.number))
                           .where(ProcessVersion.process_id.in_(process_ids))
                           .group_by(ProcessVersion.process_id))
    return {process_id: number for process_id, number in rows}


def find(session: Session, process_id: str, number: int | None) -> ProcessVersion | None:
    """The named version of a process, or its current one."""
    if number is None:
        return current(session, process_id)
    return session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == process_id,
                                                       ProcessVersion.number == number))


@dataclass(frozen=True)
class Published:
    process_id: str
    number: int
    sha256: str
    created: bool


def changed(session: Session, hashes: Mapping[str, str]) -> dict[str, ProcessVersion | None]:
    """The processes whose content differs from their current version, with that version (None: new)."""
    found = {}
    for process_id, sha in hashes.items():
        row = current(session, process_id)
        if row is None or row.sha256 != sha:
            found[process_id] = row
    return found


def publish_nothing(session: Session, hashes: Mapping[str, str]) -> list[Published]:
    """Every process as its current version stands (the bundle changed none of them)."""
    numbers = current_numbers(session, sorted(hashes))
    return [Published(process_id, numbers[process_id], sha, created=False)
            for process_id, sha in sorted(hashes.items())]


def check_not_overtaken(session: Session, seen: Mapping[str, int], process_ids: list[str]) -> None:
    """After taking the publish lock: refuse when another publish made a new current version of one of
    these processes since this one read them (one wins, the other is told to look again)."""
    now = current_numbers(session, process_ids)
    for process_id in sorted(process_ids):
        if now.get(process_id) != seen.get(process_id):
            raise PublishRace(f"another publish of '{process_id}' won the race: version {now.get(process_id)} "
                              "is now current; look at it and publish again")


def publish(session: Session, bundle: DefinitionVersion, roots: Mapping[str, Any], hashes: Mapping[str, str],
            *, note: str, actor: str, now: datetime) -> list[Published]:
    """Write the next version of every process whose content differs from its current one; the rest are
    reported as they stand. Runs under the deploy lock; the unique (process_id, number) is the backstop."""
    processes = top_level_processes(roots)
    result = []
    for process_id, sha in sorted(hashes.items()):
        row = current(session, process_id)
        if row is not None and row.sha256 == sha:
            result.append(Published(process_id, row.number, sha, created=False))
            continue
        number = (row.number if row is not None else 0) + 1
        summary = diff_summary(_process_element(session, row) if row is not None else None, processes[process_id])
        restored = session.scalar(select(func.max(ProcessVersion.number)).where(
            ProcessVersion.process_id == process_id, ProcessVersion.sha256 == sha))
        if restored is not None:
            summary = f"restores version {restored}; {summary}"
        session.add(ProcessVersion(process_id=process_id, number=number, bundle_id=bundle.id, sha256=sha,
                                   note=note, published_by=actor, published_at=now, diff_summary=summary))
        result.append(Published(process_id, number, sha, created=True))
    session.flush()
    return result


def _process_element(session: Session, row: ProcessVersion) -> Any | None:
    bundle = session.get(DefinitionVersion, row.bundle_id)
    if bundle is None:
        return None
    for name, text in bundle.files.items():
        if name.lower().endswith(".dmn"):
            continue
        root = etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False,
                                                                                 no_network=True))
        for process in root.iter(f"{{{spiff.BPMN_NS}}}process"):
            if process.get("id") == row.process_id:
                return process
    return None
