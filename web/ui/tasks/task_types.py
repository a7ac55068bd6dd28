"""The task types people can filter on: the user tasks of the latest deployed version of each process
(engine/diagrams.py reads them from the parsed definitions, so the list costs nothing however many
tasks are open)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.diagrams import HumanTaskType, human_task_types
from web.wiring import get_engine


def task_types(session: Session) -> list[HumanTaskType]:
    return human_task_types(session, get_engine().definitions)
