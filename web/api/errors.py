"""One error body for the whole API: ``{"error": {"code", "message", "details"}}``.

Engine exceptions and the domain's refusals (workflows/errors.py) become HTTP statuses here and only
here (docs/api.md lists the codes).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, EngineError, Forbidden, Invalid, NotFound, ScriptError
from workflows import errors as domain

log = logging.getLogger("web.api")

STATUS_FOR: list[tuple[type[EngineError], int]] = [
    (NotFound, 404),
    (Forbidden, 403),
    (Conflict, 409),
    (Invalid, 422),
    (ScriptError, 422),
]

DOMAIN_STATUS: dict[type[domain.DomainError], int] = {
    domain.NotFound: 404,
    domain.NotAllowed: 403,
    domain.Conflict: 409,
    domain.Invalid: 422,
    domain.Failed: 500,
}


def domain_status(error: domain.DomainError) -> int:
    return next((status for cls, status in DOMAIN_STATUS.items() if isinstance(error, cls)), 500)


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


class ApiError(Exception):
    """An error raised by a view: status, code, message and details, already decided."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error_response(status: int, code: str, message: str, details: Any = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "details": details}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _page(status: int, error: Exception | None = None) -> Any:
    """The people's pages get an HTML error page (web/ui), the API its JSON body."""
    from web.ui.errors import domain_error_page, engine_error_page, html_error

    if isinstance(error, domain.DomainError):
        return domain_error_page(error)
    return engine_error_page(error) if isinstance(error, EngineError) else html_error(status)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return error_response(error.status, error.code, error.message, error.details)

    @app.errorhandler(domain.DomainError)
    def _domain_error(error: domain.DomainError) -> Any:
        status = domain_status(error)
        if not _is_api():
            return _page(status, error)
        return error_response(status, error.code, error.message, error.details)

    @app.errorhandler(EngineError)
    def _engine_error(error: EngineError) -> Response:
        if not _is_api():
            return _page(500, error)
        for cls, status in STATUS_FOR:
            if isinstance(error, cls):
                return error_response(status, error.code, error.message, error.details)
        log.exception("unmapped engine error")
        return error_response(500, "internal_error", "something went wrong; it has been logged")

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response | HTTPException:
        if not _is_api():
            return _page(error.code or 500)
        status = error.code or 500
        return error_response(status, HTTP_CODES.get(status, "http_error"), error.description or error.name)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        if not _is_api():
            return _page(500)
        return error_response(500, "internal_error", "something went wrong; it has been logged")
