"""Error pages for people. Engine errors on a page become a page, never a JSON body."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from engine.errors import Conflict, EngineError, Forbidden, NotFound

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
