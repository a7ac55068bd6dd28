"""The JSON REST API under /api/v1."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, request
from marshmallow import Schema, ValidationError

from web.api.errors import ApiError, register_api_errors

api = Blueprint("api", __name__, url_prefix="/api/v1")
register_api_errors(api)


def json_object() -> dict[str, Any]:
    """The request's body as a JSON object: 400 when it is not JSON or not an object."""
    if not request.is_json:
        raise ApiError(400, "malformed_request", "send a JSON body with Content-Type: application/json")
    try:
        payload = json.loads(request.get_data(as_text=True))
    except ValueError as error:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {error}") from error
    if not isinstance(payload, dict):
        raise ApiError(400, "malformed_json", "the body must be a JSON object")
    return payload


def json_body(schema: Schema) -> dict[str, Any]:
    """The request's JSON object loaded by ``schema``: 400 when it is not JSON, 422 when it is invalid."""
    payload = json_object()
    try:
        loaded: dict[str, Any] = schema.load(payload)
    except ValidationError as error:
        raise ApiError(422, "validation_failed", "the request has errors", error.messages) from error
    return loaded


def query_args(schema: Schema) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = schema.load(request.args)
    except ValidationError as error:
        raise ApiError(422, "validation_failed", "the query has errors", error.messages) from error
    return loaded


from web.api import (  # noqa: E402,F401  (registers the routes)
    admin_domain,
    claim_file,
    claims,
    definitions,
    events,
    families,
    instances,
    openapi,
    referral_status,
    referrals,
    register,
    tasks,
    tokens,
)
