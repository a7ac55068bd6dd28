"""The returns of an approve/return loop: who returned the work, when, and why, oldest first.

Read from the instance's history (each completion of the approval task is a ``task_completed`` event
carrying the manager's answers), so every return is kept, not only the latest one the process data
holds. The caller has already decided access (the task page: a task the person may see).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Event, User

# The approval tasks (bpmn ids) that return a closure: case management's team manager and the Parenting
# and Family Team's manager. A journey takes one route, so an instance holds returns from one of them.
CLOSURE_APPROVALS = ("approve_closure", "pft_approve_closure")
# The form a person does again after a return -> the approval tasks that return it.
RETURNED_BY = {"closure_summary": CLOSURE_APPROVALS}
# Whose form is decided on -> the same approval tasks, for the approval page's history.
DECIDED_BY = {"closure_approval": CLOSURE_APPROVALS}
MAX_RETURNS = 50


@dataclass(frozen=True)
class Return:
    by: str  # the manager's name
    at: datetime
    reasons: str


def returns(session: Session, instance_id: int, approvals: tuple[str, ...]) -> list[Return]:
    """Every return by the ``approvals`` tasks of this instance, oldest first."""
    events = list(session.scalars(
        select(Event).where(Event.instance_id == instance_id, Event.kind == "task_completed",
                            Event.bpmn_id.in_(approvals)).order_by(Event.seq).limit(MAX_RETURNS)))
    returned = [e for e in events if _data(e).get("decision") == "return"]
    usernames = {e.actor for e in returned}
    names = {u: n for u, n in session.execute(select(User.username, User.display_name)
                                              .where(User.username.in_(usernames)))} if returned else {}
    return [Return(by=names.get(e.actor) or e.actor, at=e.at, reasons=str(_data(e).get("reasons") or ""))
            for e in returned]


def _data(event: Event) -> dict[str, Any]:
    return event.data if isinstance(event.data, dict) else {}
