"""The deployed process definitions, for the process owners' page: every version of every process."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import DefinitionProcess, DefinitionVersion


def deployed_processes(session: Session, *, limit: int) -> Sequence[tuple[str, str | None, int, str | None, datetime]]:
    """(process id, name, version, deployed by, deployed at), by process then newest version first."""
    return session.execute(
        select(DefinitionProcess.process_id, DefinitionProcess.name, DefinitionVersion.version,
               DefinitionVersion.deployed_by, DefinitionVersion.deployed_at)
        .join(DefinitionVersion, DefinitionVersion.id == DefinitionProcess.version_id)
        .order_by(DefinitionProcess.process_id, DefinitionVersion.version.desc()).limit(limit)).all()
