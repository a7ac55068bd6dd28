"""The engine's exceptions. Each carries the context needed to act on it; web/ maps them to HTTP.

    EngineError
      NotFound            an id that does not exist, or that the caller may not see
      Forbidden           a visible resource and an action the caller may not take
      Conflict            already completed, claimed by another, lost race, ambiguous message
      Invalid             input that fails validation; ``details`` holds the field errors
        DeployRefused     a bundle that fails deploy validation (file, element id, reason)
      ScriptError         a script or expression failed, or broke the sandbox policy or its limits
"""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    code = "engine_error"

    def __init__(
        self,
        message: str,
        *,
        instance_id: int | None = None,
        task_id: str | None = None,
        element_id: str | None = None,
        details: Any = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.instance_id = instance_id
        self.task_id = task_id
        self.element_id = element_id
        self.details = details
        if code:
            self.code = code


class NotFound(EngineError):
    code = "not_found"


class Forbidden(EngineError):
    code = "forbidden"


class Conflict(EngineError):
    code = "conflict"


class Invalid(EngineError):
    code = "validation_failed"


class DeployRefused(Invalid):
    code = "deploy_refused"

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        first = problems[0]
        super().__init__(
            f"{first['file']}: {first['element_id'] or '-'}: {first['reason']}",
            element_id=first.get("element_id"),
            details=problems,
        )
        self.problems = problems


class ScriptError(EngineError):
    """A script, condition or expression failed (or broke the sandbox). ``line`` is 1-based when known."""

    code = "script_error"

    def __init__(self, message: str, *, line: int | None = None, **context: Any) -> None:
        super().__init__(message, **context)
        self.line = line
