"""The task inbox: listing, reading, claiming, releasing and completing tasks."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from engine import queries
from web.access_log import logs_access, shows_families
from web.api import api, json_body, query_args
from web.api.auth import current_actor
from web.api.errors import ApiError
from web.api.schemas import CompleteTaskSchema, CompletionSchema, TaskDetailSchema, TaskPageSchema, TaskQuerySchema
from web.extensions import db
from web.wiring import get_engine

_QUERY_KEYS = set(TaskQuerySchema().fields)


@api.get("/tasks")
@logs_access("task_list")
def list_tasks() -> ResponseReturnValue:
    actor = current_actor()
    args = query_args(TaskQuerySchema())
    field_filters = {k: v for k, v in request.args.items() if k not in _QUERY_KEYS}
    unknown = set(field_filters) - queries.inbox_field_names(db.session()) if field_filters else set()
    if unknown:
        raise ApiError(422, "validation_failed", "the query has errors",
                       {name: ["Not a query parameter, nor an inbox field of a deployed process."] for name in unknown})
    page = queries.list_tasks(
        db.session(), actor, queries.TaskFilter(fields=field_filters, **args), get_engine().clock.now()
    )
    body = TaskPageSchema().dump(page)
    shows_families(item.get("family_ref") for item in body["items"])
    return body


@api.get("/tasks/<task_id>")
@logs_access("task", "task_id")
def get_task(task_id: str) -> ResponseReturnValue:
    actor = current_actor()
    engine = get_engine()
    task = queries.get_task(db.session(), actor, task_id)
    detail = TaskDetailSchema().dump(task)
    detail["form_schema"] = engine.forms.json_schema(task.form_key) if task.form_key else None
    detail["data"] = engine.task_data(task)
    return detail


@api.post("/tasks/<task_id>/claim")
@logs_access("task", "task_id")
def claim_task(task_id: str) -> ResponseReturnValue:
    return TaskDetailSchema(exclude=("form_schema", "data")).dump(get_engine().claim(task_id, current_actor()))


@api.post("/tasks/<task_id>/unclaim")
@logs_access("task", "task_id")
def unclaim_task(task_id: str) -> ResponseReturnValue:
    return TaskDetailSchema(exclude=("form_schema", "data")).dump(get_engine().unclaim(task_id, current_actor()))


@api.post("/tasks/<task_id>/complete")
@logs_access("task", "task_id")
def complete_task(task_id: str) -> ResponseReturnValue:
    actor = current_actor()
    queries.get_actionable_task(db.session(), actor, task_id)  # 404 for the unseen before the body is judged
    body = json_body(CompleteTaskSchema())
    return CompletionSchema().dump(get_engine().complete(task_id, body["data"], actor))
