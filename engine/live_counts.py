"""How many live instances wait at each element of a process, by version: counts only, never which
instances (process owners see counts, not families: ../shared/DESIGN.md's access matrix).

Read from the ``instance_wait`` projection (engine/waits.py): one index range per process, grouped
before the version numbers are joined in, so the cost grows with the process's live waits and nothing
else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import DefinitionProcess, DefinitionVersion, InstanceWait


@dataclass(frozen=True)
class LiveCount:
    process_id: str
    version: int  # today the bundle's version number (the instance's ``version_id``)
    element_id: str
    kind: str  # engine/spiff/waits.py's kinds, and ``incident``
    instances: int


def live_counts(session: Session, process_id: str) -> list[LiveCount]:
    """Live instances waiting at each element of ``process_id`` (its own and as called by others), per
    version, newest version first. The one place that says what a version is for these counts: with
    per-process pins, ``instance_wait.version_id`` holds the pinned version and only the join changes.
    ``NotFound`` for a process no version holds."""
    if session.scalar(select(DefinitionProcess.id).where(DefinitionProcess.process_id == process_id).limit(1)) is None:
        raise NotFound(f"process '{process_id}' is not deployed")
    grouped = (
        select(InstanceWait.version_id, InstanceWait.element_id, InstanceWait.kind,
               func.count().label("instances"))
        .where(InstanceWait.process_id == process_id)
        .group_by(InstanceWait.version_id, InstanceWait.element_id, InstanceWait.kind)
        .subquery()
    )
    rows = session.execute(
        select(DefinitionVersion.version, grouped.c.element_id, grouped.c.kind, grouped.c.instances)
        .join(grouped, grouped.c.version_id == DefinitionVersion.id)
        .order_by(DefinitionVersion.version.desc(), grouped.c.element_id, grouped.c.kind)
    )
    return [LiveCount(process_id, version, element_id, kind, instances)
            for version, element_id, kind, instances in rows]
