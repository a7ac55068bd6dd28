"""Database settings per backend: SQLite as a careful single writer, PostgreSQL with a pool."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_engine_options(app: Flask) -> None:
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    options: dict[str, Any] = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    # A statement's parameters are a family's names and dates of birth: never in an error's text, so
    # never in a log line or an incident (engine/redact.py drops the database's own DETAIL too).
    options["hide_parameters"] = True
    if uri.startswith("sqlite"):
        # The driver's own transaction handling is switched off so that every transaction can start
        # with BEGIN IMMEDIATE: SQLite's one writer is then taken up front, never upgraded mid-step.
        options.setdefault("connect_args", {}).update({"check_same_thread": False, "timeout": 30})
    else:
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def sqlite_immediate_transactions(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
