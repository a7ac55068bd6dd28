"""EXPLAIN (ANALYZE) of the exact statement a piece of engine code sends, summarised."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


def capture(session: Session, call: Callable[[], Any], contains: str) -> tuple[str, Any]:
    """Run ``call`` and return the first statement (and its parameters) whose SQL contains ``contains``."""
    seen: list[tuple[str, Any]] = []
    engine = session.get_bind()

    def listener(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if contains in statement:
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    if not seen:
        raise AssertionError(f"no statement containing {contains!r} was sent")
    return seen[0]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def explain(session: Session, statement: str, params: Any) -> dict[str, Any]:
    """The plan's node types, the indexes it uses, its execution time and its text form."""
    connection = session.connection()
    raw: Any = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}", params).scalar()
    document = raw if isinstance(raw, list) else json.loads(str(raw))
    root = document[0]
    lines = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params).scalars().all()
    nodes = list(_nodes(root["Plan"]))
    return {
        "nodes": [n["Node Type"] + (f" using {n['Index Name']}" if "Index Name" in n else "") for n in nodes],
        "indexes": sorted({n["Index Name"] for n in nodes if "Index Name" in n}),
        "seq_scans": [n.get("Relation Name") for n in nodes if n["Node Type"] == "Seq Scan"],
        "execution_ms": root.get("Execution Time"),
        "planning_ms": root.get("Planning Time"),
        "text": [str(line) for line in lines],
    }
