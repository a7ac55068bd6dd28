"""The engine's exceptions. Each carries the context needed to act on it; web/ maps them to HTTP.

    EngineError
      NotFound            an id that does not exist, or that the caller may not see
      Forbidden           a visible resource and an action the caller may not take
      Conflict            already completed, claimed by another, lost race, ambiguous message
        PublishRace       another publish made a new current version of the same process meanwhile
      Invalid             input that fails validation; ``details`` holds the field errors
        DeployRefused     a bundle that fails deploy validation (file, element id, reason)
      ScriptError         a script or expression failed, or broke the sandbox policy or its limits

``database_error_text`` and ``safe_text`` give error text without the data being written: a database
error's own text carries the statement's parameters and the database's DETAIL (a family's names, dates of
birth), so incidents and logs keep only what went wrong and where (error classes; on PostgreSQL the table
and constraint).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import StatementError


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


class PublishRace(Conflict):
    """Two publishes of one process at once: the first takes the next number, the second is refused
    (it was checked against a current version that is no longer current)."""

    code = "publish_race"


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


# -- error text without personal data ----------------------------------------------------------------

DRIVERS = ("psycopg", "sqlite3")  # their errors' text holds the database's DETAIL (the row's values)


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    link: BaseException | None = error
    while link is not None and link not in seen:
        seen.append(link)
        link = link.__cause__ or (None if link.__suppress_context__ else link.__context__)
    return seen


def database_error_text(error: BaseException) -> str | None:
    """What a database error in ``error``'s chain was, without values; None when there is none."""
    for link in _chain(error):
        if isinstance(link, StatementError) or type(link).__module__.startswith(DRIVERS):
            original = getattr(link, "orig", None)
            text = f"database error {type(link).__name__}"
            if original is not None:
                text += f" ({type(original).__name__})"
            # psycopg names the table and constraint apart from the text: names only, never values
            diag = getattr(original if original is not None else link, "diag", None)
            where = [f"{label} {value}" for label, value in (("table", getattr(diag, "table_name", None)),
                                                             ("constraint", getattr(diag, "constraint_name", None)))
                     if value]
            return f"{text} on {', '.join(where)}" if where else text
    return None


def safe_text(error: BaseException) -> str:
    """``str(error)``, unless a database error is in its chain: then only what ``database_error_text`` says."""
    return database_error_text(error) or str(error)
