"""The deployed process definitions, for the process owners' page: every version of every process."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import DefinitionProcess, ProcessVersion


def deployed_processes(session: Session, *, limit: int) -> Sequence[tuple[str, str | None, int, str | None, datetime]]:
    """(process id, name, version, published by, published at), by process then newest version first:
    each process's versions numbered 1, 2, 3... whatever bundle they came in."""
    return session.execute(
        select(ProcessVersion.process_id, DefinitionProcess.name, ProcessVersion.number,
               ProcessVersion.published_by, ProcessVersion.published_at)
        .join(DefinitionProcess, (DefinitionProcess.version_id == ProcessVersion.bundle_id)
              & (DefinitionProcess.process_id == ProcessVersion.process_id))
        .order_by(ProcessVersion.process_id, ProcessVersion.number.desc()).limit(limit)).all()
