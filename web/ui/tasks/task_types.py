"""The task types people can filter on: the user tasks of the latest deployed version of each process
(engine/diagrams.py reads them from the parsed definitions, so the list costs nothing however many
tasks are open), only those in a lane of one of the person's groups (administrators: all), and each name
once: tasks of one name in several lanes or processes ("Provide the evidence the audit found missing",
one per lead professional's group) are one choice that filters on all of them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.access import Actor
from engine.diagrams import human_task_types
from web.wiring import get_engine


def task_types(session: Session, actor: Actor) -> dict[str, tuple[str, ...]]:
    """Name -> the element ids of that name this person's groups do, in name order."""
    found: dict[str, list[str]] = {}
    for task_type in human_task_types(session, get_engine().definitions):
        if actor.is_admin or task_type.lane in actor.groups:
            found.setdefault(task_type.name, []).append(task_type.bpmn_id)
    return {name: tuple(sorted(ids)) for name, ids in found.items()}


def type_choices(types: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """``(value, label)`` for the filter: the value is the first element id of the name (a stable URL)."""
    return [(ids[0], name) for name, ids in types.items()]


def ids_of(types: dict[str, tuple[str, ...]], chosen: str) -> tuple[str, ...]:
    """Every element id sharing the chosen one's name; an id not offered filters on itself alone."""
    return next((ids for ids in types.values() if chosen in ids), (chosen,))
