"""Starting instances, reading them and their history, terminating and retrying."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from engine import queries
from engine.models import InstanceStatus
from web.access_log import logs_access
from web.api import api, json_body
from web.api.auth import current_actor
from web.api.schemas import HistorySchema, InstanceRefSchema, InstanceSchema, StartInstanceSchema
from web.extensions import db
from web.wiring import get_engine
from workflows.services import starts


@api.post("/instances")
def start_instance() -> ResponseReturnValue:
    actor = current_actor()
    body = json_body(StartInstanceSchema())
    ref = starts.start_instance(db.session(), get_engine(), actor, body["process_id"], body["business_key"],
                                body["data"], version=body["version"])
    return InstanceRefSchema().dump(ref), 201


@api.get("/instances/<int:instance_id>")
@logs_access("instance", "instance_id")
def get_instance(instance_id: int) -> ResponseReturnValue:
    view = queries.get_instance(db.session(), current_actor(), instance_id, bound=get_engine().instance_access)
    row = view.instance
    return InstanceSchema().dump(
        {
            "id": row.id,
            "status": row.status,
            "process_id": row.process_id,
            "version": view.version,
            "pins": view.pins,
            "business_key": row.business_key,
            "next_timer_due_at": row.next_timer_due_at,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "ended_at": row.ended_at,
            "open_tasks": view.open_tasks,
            "data": row.data,
            "incident": row if row.status == InstanceStatus.ERROR else None,
        }
    )


@api.get("/instances/<int:instance_id>/history")
@logs_access("instance", "instance_id")
def instance_history(instance_id: int) -> ResponseReturnValue:
    events = queries.history(db.session(), current_actor(), instance_id, bound=get_engine().instance_access)
    return HistorySchema().dump({"items": events})


@api.post("/instances/<int:instance_id>/terminate")
@logs_access("instance", "instance_id")
def terminate_instance(instance_id: int) -> ResponseReturnValue:
    actor = current_actor()
    # 404 before 403: nothing leaks
    queries.get_instance(db.session(), actor, instance_id, bound=get_engine().instance_access)
    return InstanceRefSchema().dump(get_engine().terminate(instance_id, actor))


@api.post("/instances/<int:instance_id>/retry")
@logs_access("instance", "instance_id")
def retry_instance(instance_id: int) -> ResponseReturnValue:
    actor = current_actor()
    queries.get_instance(db.session(), actor, instance_id, bound=get_engine().instance_access)
    return InstanceRefSchema().dump(get_engine().retry(instance_id, actor))
