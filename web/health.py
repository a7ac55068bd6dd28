"""Health checks for load balancers and orchestrators: no sign-in, no personal data, no access log.

``/healthz`` says the process answers. ``/readyz`` says it can do useful work: the database answers,
its schema is at the migrations' heads, and workflow definitions are deployed. A 503 names the failed
check and nothing else (an error's text could carry a connection string).
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from engine.queries import deployed_versions
from web.extensions import db

health = Blueprint("health", __name__)
log = logging.getLogger("web.health")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def migration_heads() -> set[str]:
    return set(ScriptDirectory(str(MIGRATIONS)).get_heads())


def readiness() -> dict[str, bool]:
    """Each check's verdict, in the order a failure is most likely to explain the next.

    Read through the request's own session: on SQLite a second connection would wait for the write
    lock a transaction of this same request (or test) may hold."""
    checks = {"database": False, "migrations": False, "definitions": False}
    try:
        connection = db.session.connection()
        checks["database"] = True
        current = set(MigrationContext.configure(connection).get_current_heads())
        checks["migrations"] = current == migration_heads()
        if checks["migrations"]:
            checks["definitions"] = bool(deployed_versions(db.session()))
    except Exception:
        log.exception("readiness check failed")
        db.session.rollback()
    return checks


@health.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@health.get("/readyz")
def readyz() -> ResponseReturnValue:
    checks = readiness()
    ready = all(checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503
