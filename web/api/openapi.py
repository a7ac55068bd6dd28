"""``GET /api/v1/openapi.json``: the OpenAPI document, generated from the marshmallow schemas."""

from __future__ import annotations

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask.typing import ResponseReturnValue

from web.api import api, schemas

ERROR = {"$ref": "#/components/responses/Error"}


def _json(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _op(summary: str, ok: int, schema: str | None, *, body: str | None = None, errors: tuple[int, ...] = (),
        parameters: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    responses: dict[Any, Any] = {str(ok): {"description": "OK", **(_json(schema) if schema else {})}}
    for status in (401, *errors):
        responses[str(status)] = ERROR
    operation: dict[str, Any] = {"summary": summary, "responses": responses, "security": [{"bearer": []}]}
    if body:
        operation["requestBody"] = {"required": True, **_json(body)}
    if parameters:
        operation["parameters"] = parameters
    return operation


def _path_param(name: str, kind: str) -> dict[str, Any]:
    return {"in": "path", "name": name, "required": True, "schema": {"type": kind}}


@cache
def build_spec() -> dict[str, Any]:
    spec = APISpec(title="Family journeys API", version="1", openapi_version="3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name in (
        "ErrorSchema", "DeployResultSchema", "DefinitionSchema", "StartInstanceSchema", "InstanceSchema",
        "InstanceRefSchema", "HistorySchema", "TaskPageSchema", "TaskDetailSchema", "CompleteTaskSchema",
        "CompletionSchema",
    ):
        spec.components.schema(name.removesuffix("Schema"), schema=getattr(schemas, name))
    spec.components.response("Error", {"description": "an error (docs/api.md lists the codes)",
                                       **_json("Error")})
    instance_id = [_path_param("instance_id", "integer")]
    task_id = [_path_param("task_id", "string")]
    upload = {"content": {"multipart/form-data": {"schema": {
        "type": "object", "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
    }}}}
    deploy = _op("deploy a bundle of .bpmn/.dmn files", 201, "DeployResult", errors=(400, 403, 422))
    deploy["requestBody"] = upload
    spec.path("/definitions", operations={"post": deploy, "get": _op("deployed processes", 200, None)})
    spec.path("/instances", operations={
        "post": _op("start an instance", 201, "InstanceRef", body="StartInstance", errors=(400, 403, 404, 422)),
    })
    spec.path("/instances/{instance_id}", operations={
        "get": _op("an instance", 200, "Instance", errors=(404,), parameters=instance_id)})
    spec.path("/instances/{instance_id}/history", operations={
        "get": _op("its event history", 200, "History", errors=(404,), parameters=instance_id)})
    for action in ("terminate", "retry"):
        spec.path(f"/instances/{{instance_id}}/{action}", operations={
            "post": _op(f"{action} (admin)", 200, "InstanceRef", errors=(403, 404, 409), parameters=instance_id)})
    spec.path("/tasks", operations={"get": _op(
        "the inbox; any other query parameter filters on an inbox field (family_ref=...)", 200, "TaskPage",
        errors=(422,), parameters=[
            {"in": "query", "name": n, "schema": {"type": t}} for n, t in (
                ("state", "string"), ("group", "string"), ("assignee", "string"), ("team", "string"),
                ("instance_id", "integer"), ("bpmn_id", "string"), ("overdue", "boolean"), ("limit", "integer"),
                ("cursor", "string"))
        ])})
    spec.path("/tasks/{task_id}", operations={
        "get": _op("a task with its form's JSON Schema and data", 200, "TaskDetail", errors=(404,),
                   parameters=task_id)})
    for action in ("claim", "unclaim"):
        spec.path(f"/tasks/{{task_id}}/{action}", operations={
            "post": _op(action, 200, "TaskDetail", errors=(403, 404, 409), parameters=task_id)})
    spec.path("/tasks/{task_id}/complete", operations={
        "post": _op("complete with data", 200, "Completion", body="CompleteTask", errors=(400, 403, 404, 409, 422),
                    parameters=task_id)})
    from web.api.openapi_lifecycle import add_lifecycle_paths

    add_lifecycle_paths(spec)
    document: dict[str, Any] = spec.to_dict()
    document["servers"] = [{"url": "/api/v1"}]
    return document


@api.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    return build_spec()
