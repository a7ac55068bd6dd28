"""The lifecycle's resources in the OpenAPI document (docs/api.md describes them in words)."""

from __future__ import annotations

from typing import Any

from apispec import APISpec

from forms.registry import default_registry


def _op(summary: str, ok: int, *, errors: tuple[int, ...] = (), parameters: list[dict[str, Any]] | None = None,
        body: dict[str, Any] | None = None, content: str = "application/json") -> dict[str, Any]:
    responses: dict[str, Any] = {str(ok): {"description": "OK", "content": {content: {"schema": {"type": "object"}
                                                                                        if content.endswith("json")
                                                                                        else {"type": "string"}}}}}
    for status in (401, *errors):
        responses[str(status)] = {"$ref": "#/components/responses/Error"}
    operation: dict[str, Any] = {"summary": summary, "responses": responses, "security": [{"bearer": []}],
                                 "tags": ["lifecycle"]}
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


def _param(name: str, kind: str = "integer") -> list[dict[str, Any]]:
    return [{"in": "path", "name": name, "required": True, "schema": {"type": kind}}]


def add_lifecycle_paths(spec: APISpec) -> None:
    referral = default_registry().json_schema("referral")  # the form's own JSON Schema documents the body
    referral.pop("$schema", None)
    submit = _op("submit a referral; Idempotency-Key header optional, scoped to the caller", 201,
                 errors=(400, 403, 409, 422), body=referral)
    submit["parameters"] = [{"in": "header", "name": "Idempotency-Key", "required": False,
                             "schema": {"type": "string"}}]
    spec.path("/referrals", operations={"post": submit})
    spec.path("/referrals/{ref}", operations={"get": _op(
        "the submitter's confirmation: referral_ref, received_at, status (received|triaged); access-logged; "
        "404 to anyone else", 200, errors=(404,), parameters=_param("ref", "string"))})
    spec.path("/families/{ref}", operations={"get": _op(
        "a family's journey (access-logged; 404 without need to know)", 200, errors=(404,),
        parameters=_param("ref", "string"))})
    spec.path("/tf-register", operations={"get": _op("families identified for TF, newest first (TF groups)", 200,
                                                     errors=(404, 422))})
    spec.path("/claim-windows", operations={"get": _op("claim windows (TF groups)", 200, errors=(404,))})
    spec.path("/claim-windows/{window_id}", operations={"get": _op(
        "a window with its pool, Stage 2 sample and batch", 200, errors=(404,), parameters=_param("window_id"))})
    spec.path("/claim-windows/{window_id}/claim-file.csv", operations={"get": _op(
        "the claim file", 200, errors=(404,), parameters=_param("window_id"), content="text/csv")})
    spec.path("/claim-windows/{window_id}/claim-file.xlsx", operations={"get": _op(
        "the claim file as a spreadsheet (same columns)", 200, errors=(404,), parameters=_param("window_id"),
        content="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    spec.path("/claims/{claim_id}/paid", operations={"post": _op(
        "mark a submitted claim paid (TF team)", 200, errors=(403, 404, 409), parameters=_param("claim_id"))})
    spec.path("/claims/{claim_id}/invalidate", operations={"post": _op(
        "withdraw a claim after a spot check (TF team)", 200, errors=(400, 403, 404, 409, 422),
        parameters=_param("claim_id"), body={"type": "object", "required": ["reason"],
                                             "properties": {"reason": {"type": "string"}}})})
    spec.path("/admin/teams", operations={"get": _op("teams with settings and members (admin)", 200,
                                                     errors=(403,))})
    spec.path("/admin/teams/{team_id}", operations={"put": _op(
        "create or change a team: name, district, kind, review_every_months (admin)", 200, errors=(400, 403, 422),
        parameters=_param("team_id", "string"))})
    spec.path("/admin/settings", operations={
        "get": _op("council settings (admin)", 200, errors=(403,)),
        "put": _op("change earned_autonomy, triage_working_days (admin)", 200, errors=(400, 403, 422))})
    spec.path("/admin/claim-windows", operations={"post": _op(
        "set up a claim window: name, local_cutoff_at, closes_at (admin)", 201, errors=(400, 403, 409, 422))})
