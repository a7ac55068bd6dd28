"""Where live work stands: the ``instance_wait`` rows of an instance brought in step with its state,
in the transaction of the step that changed it; and the same rows computed for every live instance
from its stored state (the migration that adds the table runs ``backfill``).

An active instance has a row for each element it waits at (engine/spiff/waits.py lists the kinds). An
errored one keeps the waits of its last good state, where ``retry`` carries on from, and has one more
row, kind ``incident``, at the element that failed. A completed or terminated instance has none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, Connection, String, bindparam, cast, column, delete, insert, select, table
from sqlalchemy.dialects import postgresql, sqlite

from engine import spiff
from engine.models import Instance, InstanceStatus, InstanceWait
from engine.steps import StepContext

INCIDENT = "incident"
Key = tuple[str, str, str]  # (process id, element id, kind)
_LIVE = (InstanceStatus.ACTIVE, InstanceStatus.ERROR)


def wanted(workflow: spiff.Workflow, status: str, process_id: str, error_task_id: str | None,
           error_element_id: str | None) -> set[Key]:
    """The rows an instance in this state should have."""
    if status not in _LIVE:
        return set()
    found: set[Key] = {(w.process_id, w.element_id, w.kind) for w in spiff.waiting_elements(workflow)}
    if status == InstanceStatus.ERROR and error_element_id:
        failed = spiff.find_task(workflow, error_task_id) if error_task_id else None
        found.add((spiff.process_of(failed) if failed is not None else process_id, error_element_id, INCIDENT))
    return found


def version_of(connection: Connection, row: Any, process_id: str) -> int:
    """The number of the version of ``process_id`` an instance runs: its pin. An instance from before
    pins runs every process from its own bundle: the first version of the process that bundle holds
    (one query, for those instances only)."""
    pinned = (row.pins or {}).get(process_id)
    if pinned is not None:
        return int(pinned)
    number = connection.scalar(_LEGACY_NUMBER, {"process_id": process_id, "bundle_id": row.version_id})
    return int(number) if number is not None else 0


def sync(ctx: StepContext, workflow: spiff.Workflow) -> None:
    """Bring the instance's rows in step with the state just saved: rows no longer wanted go, new ones
    start waiting now, and a wait that carries on keeps its ``since``.

    Two statements and no read: a DELETE of every row not wanted, then an INSERT of every row wanted
    that skips those already there. Whatever the table held before (even rows an older engine wrote), it
    holds exactly the wanted rows afterwards. Both statements are built once and run on the step's
    connection: building and running them through the ORM cost a completion more than a millisecond.
    """
    row: Instance = ctx.instance
    connection = ctx.session.connection()
    values = [{"instance_id": row.id, "process_id": p, "element_id": e, "kind": k,
               "version": version_of(connection, row, p), "since": ctx.now}
              for p, e, k in sorted(wanted(workflow, row.status, row.process_id, row.error_task_id,
                                           row.error_element_id))]
    if not values:
        connection.execute(_DELETE_ALL, {"instance_id": row.id})
        return
    connection.execute(_DELETE_UNWANTED, {"instance_id": row.id, "keys": [_key(v) for v in values]})
    connection.execute(_insert_new(connection.dialect.name), values)


_waits = InstanceWait.metadata.tables["instance_wait"]
# A row as one text: ids are XML names (no spaces), so a space keeps the parts apart.
_ROW_KEY = (_waits.c.process_id + " " + _waits.c.element_id + " " + _waits.c.kind + " "
            + cast(_waits.c.version, String))
_DELETE_ALL = delete(_waits).where(_waits.c.instance_id == bindparam("instance_id"))
_DELETE_UNWANTED = _DELETE_ALL.where(_ROW_KEY.not_in(bindparam("keys", expanding=True)))
_INSERTS: dict[str, Any] = {}


def _key(value: dict[str, Any]) -> str:
    return f"{value['process_id']} {value['element_id']} {value['kind']} {value['version']}"


def _insert_new(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING in the dialect's words (PostgreSQL's and SQLite's are the same)."""
    statement = _INSERTS.get(dialect)
    if statement is None:
        statement = _INSERTS[dialect] = (postgresql if dialect == "postgresql" else sqlite).insert(
            _waits).on_conflict_do_nothing()
    return statement


# The tables as the migration that adds instance_wait finds them: named columns only, so a later
# migration's new column is never asked for before it exists.
_instance = table("instance", column("id"), column("version_id"), column("pins", JSON), column("process_id"),
                  column("status"), column("state"), column("error_task_id"), column("error_element_id"),
                  column("updated_at"))
_version = table("definition_version", column("id"), column("files", JSON))
_wait = table("instance_wait", column("instance_id"), column("process_id"), column("element_id"), column("kind"),
              column("version"), column("since"))
_process_version = table("process_version", column("process_id"), column("number"), column("bundle_id"))
_LEGACY_NUMBER = (select(_process_version.c.number)
                  .where(_process_version.c.process_id == bindparam("process_id"),
                         _process_version.c.bundle_id == bindparam("bundle_id"))
                  .order_by(_process_version.c.number).limit(1))
_BATCH = 200


def backfill(connection: Connection) -> int:
    """Rows for every live instance from its stored state, ``since`` its last step (when it started
    waiting there is not recorded); the number of rows written. Nothing is run or evaluated."""
    serializer = spiff.StateSerializer()
    bundles: dict[int, spiff.ParsedBundle] = {}
    ids = list(connection.scalars(select(_instance.c.id).where(_instance.c.status.in_([str(s) for s in _LIVE]))
                                  .order_by(_instance.c.id)))
    written = 0
    for start in range(0, len(ids), _BATCH):
        rows = connection.execute(select(_instance).where(_instance.c.id.in_(ids[start:start + _BATCH]))).all()
        values = [value for row in rows if row.state for value in _values(connection, serializer, bundles, row)]
        if values:
            connection.execute(insert(_wait), values)
            written += len(values)
    return written


def _values(connection: Connection, serializer: spiff.StateSerializer, bundles: dict[int, spiff.ParsedBundle],
            row: Any) -> Iterable[dict[str, Any]]:
    bundle = bundles.get(row.version_id)
    if bundle is None:
        files: dict[str, str] = connection.scalar(select(_version.c.files).where(_version.c.id == row.version_id)) or {}
        bundle = bundles[row.version_id] = spiff.parse_bundle(files)
    workflow = serializer.loads(row.state, bundle.specs[row.process_id], bundle.subprocess_specs[row.process_id])
    since = row.updated_at  # as the driver reads it: written back unchanged
    for process_id, element_id, kind in sorted(wanted(workflow, row.status, row.process_id, row.error_task_id,
                                                      row.error_element_id)):
        yield {"instance_id": row.id, "process_id": process_id, "element_id": element_id, "kind": kind,
               "version": version_of(connection, row, process_id), "since": since}
