"""Error pages for people. Engine errors on a page become a page, never a JSON body."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from engine.errors import Conflict, EngineError, Forbidden, NotFound
from workflows.errors import DomainError

TITLES = {
    400: "Sorry, there is a problem with your request",
    403: "You cannot do this",
    404: "Page not found",
    405: "Page not found",
    409: "Someone else got there first",
    413: "The file or form is too large",
    500: "Sorry, there is a problem with the service",
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
    from web.api.errors import domain_status

    status = domain_status(error)
    if status == 404:
        return html_error(404)
    return html_error(status, error.message[:1].upper() + error.message[1:] + ".")
