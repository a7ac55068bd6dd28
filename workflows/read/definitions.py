"""The deployed process definitions, for the process owners: every version of every process, and what
changed between two versions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import DefinitionProcess, ProcessVersion
from engine.queries import process_version
from engine.spec_diff import describe_changes


def deployed_processes(session: Session, *, limit: int) -> Sequence[tuple[str, str | None, int, str | None, datetime]]:
    """(process id, name, version, published by, published at), by process then newest version first:
    each process's versions numbered 1, 2, 3... whatever bundle they came in."""
    return session.execute(
        select(ProcessVersion.process_id, DefinitionProcess.name, ProcessVersion.number,
               ProcessVersion.published_by, ProcessVersion.published_at)
        .join(DefinitionProcess, (DefinitionProcess.version_id == ProcessVersion.bundle_id)
              & (DefinitionProcess.process_id == ProcessVersion.process_id))
        .order_by(ProcessVersion.process_id, ProcessVersion.number.desc()).limit(limit)).all()


def _as_bytes(files: Mapping[str, str]) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in files.items()}


def version_changes(session: Session, process_id: str, old: int, new: int) -> list[str]:
    """What changed from version ``old`` of a process to version ``new``, one sentence each (the engine's
    diff in words); NotFound when the process has no such version. Either order: from a newer version to
    an older one says what a rollback would change."""
    _, _, old_bundle, _ = process_version(session, process_id, old)
    _, _, new_bundle, _ = process_version(session, process_id, new)
    return describe_changes(_as_bytes(old_bundle.files), _as_bytes(new_bundle.files), process_id)
