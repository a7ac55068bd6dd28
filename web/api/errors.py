"""One error body for the whole API: ``{"error": {"code", "message", "details"}}``.

Which status an exception means is decided in web/errors.py (docs/api.md lists the codes); this
module only writes it as JSON, for the API blueprint's errors.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from engine.errors import EngineError
from web.errors import StatusError, status_for
from workflows.errors import DomainError

log = logging.getLogger("web.api")

HTTP_CODES = {
    400: "malformed_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
}


class ApiError(StatusError):
    """An error raised by a view: status, code, message and details, already decided."""


def error_response(status: int, code: str, message: str, details: Any = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "details": details}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def json_error(error: Exception) -> Response:
    """The JSON body for any error, with the status web/errors.py gives it."""
    status = status_for(error)
    if status is None:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "something went wrong; it has been logged")
    if isinstance(error, StatusError):
        return error_response(status, error.code, error.message, error.details)
    if isinstance(error, EngineError | DomainError):
        return error_response(status, error.code, error.message, error.details)
    if isinstance(error, ValidationError):
        return error_response(status, "validation_failed", "the request has errors", error.messages)
    if status == 503:  # the driver's text may quote the statement's values: only the class is logged
        log.warning("database unavailable on %s %s: %s", request.method, request.path, type(error).__name__)
        return error_response(503, "database_unavailable", "the database is unavailable; try again shortly")
    assert isinstance(error, HTTPException)
    response = error_response(status, HTTP_CODES.get(status, "http_error"), error.description or error.name)
    for name, value in error.get_headers():  # 405's Allow, 413's and 429's Retry-After
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def register_api_errors(blueprint: Blueprint) -> None:
    blueprint.register_error_handler(HTTPException, json_error)
    blueprint.register_error_handler(Exception, json_error)
