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

from sqlalchemy import JSON, Connection, and_, column, delete, insert, not_, or_, select, table
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


def version_of(instance_version_id: int, process_id: str) -> int:
    """The version a wait of ``process_id`` belongs to. Today every process of an instance runs from the
    instance's bundle; with per-process pins this is where the pinned version of ``process_id`` goes."""
    return instance_version_id


def sync(ctx: StepContext, workflow: spiff.Workflow) -> None:
    """Bring the instance's rows in step with the state just saved: rows no longer wanted go, new ones
    start waiting now, and a wait that carries on keeps its ``since``.

    Two plain statements and no read: a DELETE of every row not wanted, then an INSERT of every row
    wanted that skips those already there. Whatever the table held before (even rows an older engine
    wrote), it holds exactly the wanted rows afterwards.
    """
    row: Instance = ctx.instance
    keys = sorted(wanted(workflow, row.status, row.process_id, row.error_task_id, row.error_element_id))
    unwanted = delete(InstanceWait).where(InstanceWait.instance_id == row.id)
    if keys:
        unwanted = unwanted.where(not_(or_(*(
            and_(InstanceWait.process_id == p, InstanceWait.element_id == e, InstanceWait.kind == k,
                 InstanceWait.version_id == version_of(row.version_id, p))
            for p, e, k in keys))))
    ctx.session.execute(unwanted)
    if keys:
        dialect = postgresql if ctx.session.get_bind().dialect.name == "postgresql" else sqlite
        add = dialect.insert(InstanceWait).on_conflict_do_nothing()
        ctx.session.execute(add, [{"instance_id": row.id, "process_id": p, "element_id": e, "kind": k,
                                   "version_id": version_of(row.version_id, p), "since": ctx.now}
                                  for p, e, k in keys])


# The tables as the migration that adds instance_wait finds them: named columns only, so a later
# migration's new column is never asked for before it exists.
_instance = table("instance", column("id"), column("version_id"), column("process_id"), column("status"),
                  column("state"), column("error_task_id"), column("error_element_id"), column("updated_at"))
_version = table("definition_version", column("id"), column("files", JSON))
_wait = table("instance_wait", column("instance_id"), column("process_id"), column("element_id"), column("kind"),
              column("version_id"), column("since"))
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
               "version_id": version_of(row.version_id, process_id), "since": since}
