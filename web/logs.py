"""Log lines: a request id on every line written while answering a request, JSON when ``LOG_FORMAT=json``.

The request id is the caller's ``X-Request-Id`` when it looks like one (a proxy's, so that its lines and
ours match), else a new one; it is sent back in the response's ``X-Request-Id``. One line per request
names the route template, never the URL's values, and no line carries a family's details.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from engine.errors import database_error_text, safe_text

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
requests_log = logging.getLogger("web.requests")
# SpiffWorkflow logs every task state change at INFO with the task's whole data (names, dates of birth)
# as extra fields: only its warnings and errors may reach our lines.
QUIETENED = ("spiff",)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the request id of the request being answered ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class DatabaseErrorHidden(Exception):
    """Stands in a log line for a database error, whose own text carries the values being written."""


class RedactDatabaseErrors(logging.Filter):
    """A logged exception with a database error in its chain is written as what went wrong (class,
    table, constraint) with its traceback, never with the statement's values or the database's DETAIL."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            hidden = database_error_text(record.exc_info[1])
            if hidden is not None:
                record.exc_info = (DatabaseErrorHidden, DatabaseErrorHidden(hidden), record.exc_info[2])
                record.exc_text = None
        if isinstance(record.args, tuple):
            record.args = tuple(safe_text(a) if isinstance(a, BaseException) else a for a in record.args)
        return True


def handler_for(log_format: str) -> logging.Handler:
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                                           rename_fields={"asctime": "time", "levelname": "level",
                                                          "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactDatabaseErrors())
    return handler


def _begin() -> None:
    offered = request.headers.get("X-Request-Id", "")
    g.request_id = offered if REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
    g.log_started = time.perf_counter()


def _end(response: Response) -> Response:
    response.headers["X-Request-Id"] = g.get("request_id", "")
    started = g.pop("log_started", None)
    if started is not None:
        route = request.url_rule.rule if request.url_rule else "(unrouted)"
        requests_log.info("%s %s %s %.1f ms", request.method, route, response.status_code,
                          (time.perf_counter() - started) * 1000,
                          extra={"method": request.method, "route": route, "status": response.status_code})
    return response


def init_logging(app: Flask) -> None:
    """The app's lines go to standard error through one handler on the root logger (set up once per
    process: a second app in the same process, as in the tests, reuses it)."""
    root = logging.getLogger()
    if not any(isinstance(f, RequestIdFilter) for h in root.handlers for f in h.filters):
        root.addHandler(handler_for(app.config["LOG_FORMAT"]))
        root.setLevel(logging.INFO)
        for name in QUIETENED:
            logging.getLogger(name).setLevel(logging.WARNING)
    app.before_request(_begin)
    app.after_request(_end)
