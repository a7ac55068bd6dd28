"""Error pages for people. Engine errors on a page become a page, never a JSON body; which status an
error means is decided in web/errors.py."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, EngineError, Forbidden, NotFound
from web.errors import status_for
from workflows.errors import DomainError

log = logging.getLogger("web.ui")

TITLES = {
    400: "Sorry, there is a problem with your request",
    403: "You cannot do this",
    404: "Page not found",
    405: "Page not found",
    409: "Someone else got there first",
    413: "The file or form is too large",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable; try again shortly",
}


def html_error(status: int, message: str | None = None) -> ResponseReturnValue:
    status = status if status in TITLES else (500 if status >= 500 else 400)
    page_status = 404 if status == 405 else status
    return render_template("ui/error.html", title=TITLES[status], message=message,
                           status=page_status), status


def engine_error_page(error: EngineError) -> ResponseReturnValue:
    if isinstance(error, NotFound):
        return html_error(404)
    if isinstance(error, Forbidden):
        return html_error(403, error.message[:1].upper() + error.message[1:] + ".")
    if isinstance(error, Conflict):
        return html_error(409, "The task changed while you were looking at it: " + error.message + ".")
    return html_error(400, error.message)


def domain_error_page(error: DomainError) -> ResponseReturnValue:
    """A refusal from a service as a page: a not-found says nothing more; anything else says why."""
    status = status_for(error) or 500
    if status == 404:
        return html_error(404)
    return html_error(status, error.message[:1].upper() + error.message[1:] + ".")


def error_page(error: Exception) -> ResponseReturnValue:
    """The page for any error, with the status web/errors.py gives it."""
    if isinstance(error, EngineError):
        return engine_error_page(error)
    if isinstance(error, DomainError):
        return domain_error_page(error)
    status = status_for(error)
    if status is None:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return html_error(500)
    return html_error(status)


def register_page_errors(blueprint: Blueprint) -> None:
    blueprint.register_error_handler(HTTPException, error_page)
    blueprint.register_error_handler(Exception, error_page)
