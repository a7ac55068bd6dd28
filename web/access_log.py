"""Every API response that carries instance or task data writes an access-log entry, 404s included;
a response about several records (a subject access export) adds an entry for each further one, and a
list that shows families' data (tasks filtered by family, the TF register, a claim window's pool) adds
one ``family`` entry per family shown, so each family's own access log has the read."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from flask import Response, current_app, g, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import InterfaceError, OperationalError

from engine.access import Actor
from engine.models import AccessLog
from web.extensions import db
from web.wiring import get_engine

RESOURCE_ID_LENGTH = 100  # access_log.resource_id's length
F = TypeVar("F", bound=Callable[..., ResponseReturnValue])


def logs_access(resource_type: str, id_arg: str | None = None) -> Callable[[F], F]:
    """Mark a view: after the response is decided, record who asked for what and the answer."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            g.access_log = (resource_type, loggable_id(str(kwargs[id_arg])) if id_arg else None)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def shows_families(refs: Iterable[str | None]) -> None:
    """Mark a list response as showing these families' data: ``write_access_log`` adds one ``family``
    entry per distinct reference, after the response, with its status."""
    shown: set[str] = g.setdefault("access_families", set())
    shown.update(ref for ref in refs if ref)


def loggable_id(resource_id: str) -> str:
    """The id as the column can hold it: an attempt with an over-long id is logged all the same, cut
    to the column's length and marked with a trailing ``…``."""
    limit = RESOURCE_ID_LENGTH
    return resource_id if len(resource_id) <= limit else resource_id[: limit - 1] + "…"


def write_access_log(response: Response) -> Response:
    """An ``after_request`` hook: the entry is its own transaction, so it lands whatever the view did."""
    marked = g.pop("access_log", None)
    families: set[str] = g.pop("access_families", set())
    if marked is None and not families:
        return response
    entries = ([marked] if marked is not None else []) + [("family", ref) for ref in sorted(families)]
    actor: Actor | None = g.get("actor")
    try:
        db.session.rollback()
        now = get_engine().clock.now()
        for resource_type, resource_id in entries:
            db.session.add(
                AccessLog(
                    at=now,
                    username=actor.username if actor else None,
                    method=request.method,
                    route=request.url_rule.rule if request.url_rule else request.path,
                    resource_type=resource_type,
                    resource_id=resource_id,
                    status_code=response.status_code,
                    admin_read=bool(actor and actor.is_admin),
                )
            )
        db.session.commit()
    except (OperationalError, InterfaceError) as error:
        # The database went away: the answer is not sent without its entry, and a 503 says try again.
        db.session.rollback()
        current_app.logger.warning("could not write the access log: database unavailable (%s)",
                                   type(error).__name__)
        return unavailable()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("could not write the access log")
        raise
    return response


def unavailable() -> Response:
    body = {"error": {"code": "database_unavailable", "message": "the database is unavailable; try again shortly",
                      "details": None}}
    return Response(json.dumps(body), status=503, mimetype="application/json")


def log_more_reads(resource_type: str, resource_ids: Iterable[str], *, at: datetime) -> None:
    """Entries for the records a successful admin read covers beyond the one ``g.access_log`` names
    (that one is written after the response); committed now."""
    actor: Actor | None = g.get("actor")
    for resource_id in resource_ids:
        db.session.add(AccessLog(at=at, username=actor.username if actor else None, method=request.method,
                                 route=request.url_rule.rule if request.url_rule else request.path,
                                 resource_type=resource_type, resource_id=resource_id, status_code=200,
                                 admin_read=True))
    db.session.commit()
