"""Which HTTP status an exception means, decided once for both renderers: the pages' HTML
(web/ui/errors.py) and the API's JSON (web/api/errors.py)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, Forbidden, Invalid, NotFound, PublishRace, ScriptError
from workflows import errors as domain


class StatusError(Exception):
    """An error raised with its status, code, message and details already decided (the API's
    ``ApiError``)."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


STATUS_FOR: list[tuple[type[Exception], int]] = [
    (NotFound, 404),
    (Forbidden, 403),
    (PublishRace, 409),  # two publishes of one process at once: the second is told to look again
    (Conflict, 409),
    (Invalid, 422),
    (ScriptError, 422),
    (ValidationError, 422),
    (domain.NotFound, 404),  # the domain's refusals (workflows/errors.py), raised by workflows/services/
    (domain.NotAllowed, 403),
    (domain.Conflict, 409),
    (domain.Invalid, 422),
    (domain.Failed, 500),
    # The database is down or restarting (or a connection broke mid-request): nothing was committed, try again.
    (OperationalError, 503),
    (InterfaceError, 503),
]


def status_for(error: BaseException) -> int | None:
    """The status ``error`` answers with; ``None`` for an error nobody mapped (a bug: 500, logged)."""
    if isinstance(error, StatusError):
        return error.status
    if isinstance(error, HTTPException):
        return error.code or 500
    for cls, status in STATUS_FOR:
        if isinstance(error, cls):
            return status
    return None
