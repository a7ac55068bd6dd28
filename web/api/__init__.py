"""The JSON REST API under /api/v1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, request
from marshmallow import Schema, ValidationError

from web.api.errors import ApiError, register_api_errors

api = Blueprint("api", __name__, url_prefix="/api/v1")
register_api_errors(api)


def json_object() -> dict[str, Any]:
    """The request's body as a JSON object: 400 when it is not JSON, not an object or nested too deep;
    422 when its text cannot be stored."""
    if not request.is_json:
        raise ApiError(400, "malformed_request", "send a JSON body with Content-Type: application/json")
    try:
        payload = json.loads(request.get_data(as_text=True))
    except RecursionError as error:
        raise ApiError(400, "malformed_json", f"the body nests deeper than {MAX_JSON_DEPTH} levels") from error
    except ValueError as error:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {error}") from error
    if not isinstance(payload, dict):
        raise ApiError(400, "malformed_json", "the body must be a JSON object")
    depth = too_deep(payload)
    if depth:
        raise ApiError(400, "malformed_json", f"the body nests deeper than {MAX_JSON_DEPTH} levels at {depth}")
    where = unstorable_text(payload)
    if where:
        raise ApiError(422, "validation_failed", "the request has errors",
                       {where: ["Text cannot hold a NUL character or an unpaired surrogate."]})
    return payload


MAX_JSON_DEPTH = 32  # the deepest form (a referral's household) nests 3; deeper is an attack on recursion


def too_deep(payload: Any) -> str | None:
    """Where the parsed body nests deeper than ``MAX_JSON_DEPTH`` (later code recurses), or ``None``."""
    for _, path, depth in _walk(payload):
        if depth > MAX_JSON_DEPTH:
            return path
    return None


def unstorable_text(payload: Any) -> str | None:
    """Where the body holds text that cannot be stored, or ``None``: a string or key with a NUL
    character (PostgreSQL's text refuses it) or a lone surrogate such as ``\\ud800`` (no UTF-8
    encoding exists for it)."""
    for node, path, _ in _walk(payload):
        if isinstance(node, dict) and not all(_storable(key) for key in node):
            return f"{path} (a key)"
        if isinstance(node, str) and not _storable(node):
            return path
    return None


def _walk(payload: Any) -> Iterator[tuple[Any, str, int]]:
    """Every node with its JSON path and depth, without recursion (depth-first, stops below the limit)."""
    stack: list[tuple[Any, str, int]] = [(payload, "$", 0)]
    while stack:
        node, path, depth = stack.pop()
        yield node, path, depth
        if depth > MAX_JSON_DEPTH:
            continue
        if isinstance(node, dict):
            stack.extend((value, f"{path}.{key}", depth + 1) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, f"{path}[{i}]", depth + 1) for i, value in enumerate(node))


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
