"""The domain's refusals, raised by the services in workflows/services/ and turned into HTTP only in web/.

    DomainError
      NotFound      an id that does not exist, or that the actor may not see (the same answer for both)
      NotAllowed    a visible thing and an action the actor may not take
      Conflict      the row is in a state that does not allow the change (``details`` names the state)
      Invalid       input that fails validation; ``details`` holds the field messages
      Failed        the step ran but did not produce its rows (logged; nothing the caller can fix)

Each carries a stable ``code`` (docs/api.md lists them), a message for people and ``details`` for
programs, so the web layer decides only the status and the shape of the answer.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code


class NotFound(DomainError):
    code = "not_found"


class NotAllowed(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class Invalid(DomainError):
    """``details`` maps each field to its messages (marshmallow's shape), so a page can show them beside the field."""

    code = "validation_failed"


class Failed(DomainError):
    code = "internal_error"
