"""How many live instances wait at each element of a process, by version: counts only, never which
instances (process owners see counts, not families: docs/sources/DESIGN.md's access matrix).

Read from the ``instance_wait`` projection (engine/waits.py): one index range per process, answered
from the index alone, so the cost grows with the process's live waits and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import InstanceWait, ProcessVersion


@dataclass(frozen=True)
class LiveCount:
    process_id: str
    version: int  # the process's own version number (what the instances pinned)
    element_id: str
    kind: str  # engine/spiff/waits.py's kinds, and ``incident``
    instances: int


def live_counts(session: Session, process_id: str) -> list[LiveCount]:
    """Live instances waiting at each element of ``process_id`` (its own and as called by others), per
    version (the number each instance pinned), newest version first. ``NotFound`` for a process no
    version holds."""
    if session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == process_id).limit(1)) is None:
        raise NotFound(f"process '{process_id}' is not deployed")
    rows = session.execute(
        select(InstanceWait.version, InstanceWait.element_id, InstanceWait.kind, func.count())
        .where(InstanceWait.process_id == process_id)
        .group_by(InstanceWait.version, InstanceWait.element_id, InstanceWait.kind)
        .order_by(InstanceWait.version.desc(), InstanceWait.element_id, InstanceWait.kind)
    )
    return [LiveCount(process_id, version, element_id, kind, instances)
            for version, element_id, kind, instances in rows]
