"""``GET /api/v1/openapi.json``: the OpenAPI document, generated from the marshmallow schemas.

One builder for every endpoint: ``operation`` writes an operation object (its success response, the
error responses every endpoint shares, the bearer security, parameters and body), and the engine's
resources and the lifecycle's (docs/api.md describes them in words) are added with it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask.typing import ResponseReturnValue

from engine.definitions import NOTE_LIMIT
from forms.registry import default_registry
from web.api import admin_domain, api, events, schemas

ERROR = {"$ref": "#/components/responses/Error"}
OBJECT = {"type": "object"}  # a lifecycle answer: described in docs/api.md, not yet by a schema


def ref(schema: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{schema}"}


def operation(summary: str, ok: int, response: dict[str, Any] | None, *, content: str = "application/json",
              body: dict[str, Any] | None = None, errors: tuple[int, ...] = (),
              parameters: list[dict[str, Any]] | None = None, tag: str | None = None) -> dict[str, Any]:
    """``response`` and ``body`` are JSON Schemas (``ref("Instance")``); a ``None`` response has no content."""
    answer: dict[str, Any] = {"description": "OK"}
    if response is not None:
        answer["content"] = {content: {"schema": response}}
    responses: dict[str, Any] = {str(ok): answer}
    implied = [401]  # every endpoint needs a bearer token
    if any(p["in"] == "path" for p in parameters or ()):
        implied.append(404)  # an id that does not exist, or is not the caller's to see
    if body or any(p["in"] == "query" for p in parameters or ()):
        implied += [400, 422]  # malformed, or a value that breaks a rule (a NUL character anywhere)
    for status in sorted({*implied, *errors}):
        responses[str(status)] = ERROR
    result: dict[str, Any] = {"summary": summary, "responses": responses, "security": [{"bearer": []}]}
    if tag:
        result["tags"] = [tag]
    if body:
        result["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if parameters:
        result["parameters"] = parameters
    return result


def path_param(name: str, kind: str = "integer") -> list[dict[str, Any]]:
    return [{"in": "path", "name": name, "required": True, "schema": {"type": kind}}]


def add_engine_paths(spec: APISpec) -> None:
    instance_id, task_id = path_param("instance_id"), path_param("task_id", "string")
    upload = {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["files", "note"],
        "properties": {"files": {"type": "array", "minItems": 1, "items": {"type": "string", "format": "binary"}},
                       "note": {"type": "string", "minLength": 1, "maxLength": NOTE_LIMIT,
                                "description": "the change note: what changed and why"}},
    }}}}
    deploy = operation("publish a bundle of .bpmn/.dmn files, each with a distinct file name: 201 with a new "
                       "version of each process whose content changed, 200 when none did; 409 when another "
                       "publish of the same process won the race", 201, ref("DeployResult"),
                       errors=(400, 403, 409, 422))
    deploy["responses"]["200"] = deploy["responses"]["201"]
    deploy["requestBody"] = upload
    spec.path("/definitions", operations={"post": deploy, "get": operation(
        "every process with its versions and its current one (process owners, admins)", 200, ref("Definitions"),
        errors=(403,))})
    version = path_param("process_id", "string") + path_param("number")
    spec.path("/definitions/{process_id}/versions/{number}", operations={"get": operation(
        "one version of a process: who published it, when, the note, the diff summary and its files", 200,
        ref("ProcessVersionDetail"), errors=(403, 404), parameters=version)})
    spec.path("/definitions/{process_id}/versions/{number}/files/{name}", operations={"get": operation(
        "one file of a version, as deployed", 200, {"type": "string", "format": "binary"},
        content="application/xml", errors=(403, 404), parameters=version + path_param("name", "string"))})
    spec.path("/definitions/{process_id}/diff", operations={"get": operation(
        "what changed between two versions of a process, in words", 200, ref("VersionDiff"), errors=(403, 404),
        parameters=path_param("process_id", "string") + [
            {"in": "query", "name": name, "required": True, "schema": {"type": "integer", "minimum": 1}}
            for name in ("from", "to")])})
    spec.path("/definitions/{process_id}/live", operations={"get": operation(
        "live instances waiting at each element of a process, per version: counts only (process owners and "
        "admins; 404 to anyone else and for a process never deployed)", 200, ref("LiveCounts"), errors=(403, 404),
        parameters=path_param("process_id", "string"))})
    spec.path("/instances", operations={"post": operation(
        "start an instance", 201, ref("InstanceRef"), body=ref("StartInstance"), errors=(400, 403, 404, 409, 422))})
    spec.path("/instances/{instance_id}", operations={
        "get": operation("an instance", 200, ref("Instance"), errors=(404,), parameters=instance_id)})
    spec.path("/instances/{instance_id}/history", operations={
        "get": operation("its event history", 200, ref("History"), errors=(404,), parameters=instance_id)})
    spec.path("/signals", operations={"post": operation(
        "throw a signal to every instance waiting for it, one instance per transaction (admin)", 200,
        ref("SignalResult"), body=ref("ThrowSignal"), errors=(400, 403, 422))})
    for action in ("terminate", "retry"):
        spec.path(f"/instances/{{instance_id}}/{action}", operations={"post": operation(
            f"{action} (admin)", 200, ref("InstanceRef"), errors=(403, 404, 409), parameters=instance_id)})
    spec.path("/tasks", operations={"get": operation(
        "the inbox; any other query parameter filters on an inbox field (family_ref=...)", 200, ref("TaskPage"),
        errors=(422,), parameters=[
            {"in": "query", "name": n, "schema": {"type": t}} for n, t in (
                ("state", "string"), ("group", "string"), ("assignee", "string"), ("team", "string"),
                ("instance_id", "integer"), ("bpmn_id", "string"), ("overdue", "boolean"), ("limit", "integer"),
                ("cursor", "string"))
        ] + [{"in": "query", "name": "inbox_fields", "style": "form", "explode": True,
              "description": "any other parameter filters on an inbox field (family_ref=...)",
              "schema": {"type": "object", "additionalProperties": {"type": "string"}}}])})
    spec.path("/tasks/{task_id}", operations={"get": operation(
        "a task with its form's JSON Schema and data", 200, ref("TaskDetail"), errors=(404,), parameters=task_id)})
    for action in ("claim", "unclaim"):
        spec.path(f"/tasks/{{task_id}}/{action}", operations={"post": operation(
            action, 200, ref("TaskDetail"), errors=(403, 404, 409), parameters=task_id)})
    spec.path("/tasks/{task_id}/complete", operations={"post": operation(
        "complete with data", 200, ref("Completion"), body=ref("CompleteTask"), errors=(400, 403, 404, 409, 422),
        parameters=task_id)})
    token = {"type": "object", "properties": {
        "id": {"type": "integer"}, "label": {"type": ["string", "null"]}, "created_at": {"type": "string"},
        "expires_at": {"type": "string"}, "revoked_at": {"type": ["string", "null"]},
        "state": {"type": "string", "enum": ["active", "expired", "revoked"]}}}
    spec.path("/tokens", operations={"get": operation(
        "the caller's API tokens (never the secrets); an admin may name anyone with ?username=", 200,
        {"type": "object", "properties": {"username": {"type": "string"}, "items": {"type": "array", "items": token}}},
        errors=(404, 422), parameters=[{"in": "query", "name": "username",
                                         "schema": {"type": "string", "minLength": 1, "maxLength": 150}}])})
    spec.path("/tokens/{token_id}", operations={"delete": operation(
        "revoke a token at once: the caller's own, or anyone's for an admin", 200, token, errors=(404,),
        parameters=path_param("token_id"))})


def add_event_paths(spec: APISpec) -> None:
    send = operation("send a message: 200 delivered to (or started) one instance; 202 kept for an instance "
                     "that starts waiting later, or not kept (delivered 0)", 200, ref("SendResult"),
                     body=ref("SendMessage"), errors=(400, 403, 404, 409, 422))
    send["responses"]["202"] = send["responses"]["200"]
    spec.path("/messages", operations={"post": send})
    spec.path("/clock", operations={
        "get": operation("the project clock's time", 200, ref("Clock")),
        "post": operation("move the manual clock forward (admin; 404 unless CLOCK=manual); at most 100 years "
                          "ahead of real time", 200, ref("Clock"), body=ref("ClockMove"),
                          errors=(400, 403, 404, 422))})
    spec.path("/timers/sweep", operations={"post": operation(
        "run the timer sweep once, then deliver the outbox (admin)", 200, ref("SweepResult"), errors=(403,))})
    spec.path("/openapi.json", operations={"get": {
        "summary": "this document", "security": [],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": OBJECT}}}}}})


def add_lifecycle_paths(spec: APISpec) -> None:
    def lifecycle(summary: str, ok: int = 200, response: dict[str, Any] = OBJECT, **options: Any) -> dict[str, Any]:
        return operation(summary, ok, response, tag="lifecycle", **options)

    referral = default_registry().json_schema("referral")  # the form's own JSON Schema documents the body
    referral.pop("$schema", None)
    submit = lifecycle("submit a referral; Idempotency-Key header optional, scoped to the caller", 201,
                       errors=(400, 403, 409, 422), body=referral)
    submit["parameters"] = [{"in": "header", "name": "Idempotency-Key", "required": False,
                             "schema": {"type": "string"}}]
    spec.path("/referrals", operations={"post": submit})
    spec.path("/referrals/{ref}", operations={"get": lifecycle(
        "the submitter's confirmation: referral_ref, received_at, status (received|triaged); access-logged; "
        "404 to anyone else", errors=(404,), parameters=path_param("ref", "string"))})
    spec.path("/families/{ref}", operations={"get": lifecycle(
        "a family's journey (access-logged; 404 without need to know)", errors=(404,),
        parameters=path_param("ref", "string"))})
    spec.path("/tf-register", operations={"get": lifecycle(
        "families identified for TF, newest first (TF groups)", errors=(404, 422), parameters=[
            {"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}])})
    spec.path("/claim-windows", operations={"get": lifecycle("claim windows (TF groups)", errors=(404,))})
    window_id = path_param("window_id")
    spec.path("/claim-windows/{window_id}", operations={"get": lifecycle(
        "a window with its pool, Stage 2 sample and batch", errors=(404,), parameters=window_id)})
    spec.path("/claim-windows/{window_id}/claim-file.csv", operations={"get": lifecycle(
        "the claim file", errors=(404,), parameters=window_id, response={"type": "string"}, content="text/csv")})
    spec.path("/claim-windows/{window_id}/claim-file.xlsx", operations={"get": lifecycle(
        "the claim file as a spreadsheet (same columns)", errors=(404,), parameters=window_id,
        response={"type": "string"}, content="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    claim_id = path_param("claim_id")
    spec.path("/claims/{claim_id}/paid", operations={"post": lifecycle(
        "mark a submitted claim paid (TF team)", errors=(403, 404, 409), parameters=claim_id)})
    spec.path("/claims/{claim_id}/invalidate", operations={"post": lifecycle(
        "withdraw a claim after a spot check (TF team)", errors=(400, 403, 404, 409, 422), parameters=claim_id,
        body={"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}})})
    spec.path("/admin/teams", operations={"get": lifecycle("teams with settings and members (admin)",
                                                           errors=(403,))})
    spec.path("/admin/teams/{team_id}", operations={"put": lifecycle(
        "create or change a team (admin); a team id has at most 100 characters", errors=(400, 403, 422),
        parameters=path_param("team_id", "string"), body=ref("TeamSettings"))})
    spec.path("/admin/settings", operations={
        "get": lifecycle("council settings (admin)", errors=(403,)),
        "put": lifecycle("change earned_autonomy, triage_working_days, the escalation groups and "
                         "escalation_working_days (admin)", errors=(400, 403, 422), body=ref("CouncilSettings"))})
    spec.path("/admin/claim-windows", operations={"post": lifecycle(
        "set up a claim window (admin)", 201, errors=(400, 403, 409, 422), body=ref("ClaimWindow"))})


@cache
def build_spec() -> dict[str, Any]:
    spec = APISpec(title="Family journeys API", version="1", openapi_version="3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name in (
        "ErrorSchema", "DeployResultSchema", "DefinitionsSchema", "ProcessVersionDetailSchema", "VersionDiffSchema",
        "StartInstanceSchema", "InstanceSchema",
        "InstanceRefSchema", "HistorySchema", "TaskPageSchema", "TaskDetailSchema", "CompleteTaskSchema",
        "CompletionSchema", "ThrowSignalSchema", "SignalResultSchema", "LiveCountsSchema",
    ):
        spec.components.schema(name.removesuffix("Schema"), schema=getattr(schemas, name))
    for module in (events, admin_domain):
        for name in module.DOCUMENTED:
            spec.components.schema(name.removesuffix("Schema"), schema=getattr(module, name))
    spec.components.response("Error", {"description": "an error (docs/api.md lists the codes)",
                                       "content": {"application/json": {"schema": ref("Error")}}})
    add_engine_paths(spec)
    add_event_paths(spec)
    add_lifecycle_paths(spec)
    document: dict[str, Any] = spec.to_dict()
    clock_move = document["components"]["schemas"]["ClockMove"]
    clock_move["minProperties"] = clock_move["maxProperties"] = 1  # exactly one of advance and set
    document["servers"] = [{"url": "/api/v1"}]
    return document


@api.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    return build_spec()
