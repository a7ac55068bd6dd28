"""Databases for the benchmarks: a throw-away SQLite file, or the separate PostgreSQL database ``bench``.

The PostgreSQL database is never the test suite's ``test``: ``bench`` is created when missing and its
``public`` schema is dropped and migrated afresh by each benchmark that needs a clean one.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.engine import make_url

from bench.stats import summary_ms

MIGRATIONS = Path(__file__).resolve().parent.parent / "web" / "migrations"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
BACKENDS = ("sqlite", "postgres")


def pg_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL)


def create_database(url: str) -> None:
    """Create the PostgreSQL database that ``url`` names, unless it exists."""
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def postgres_available() -> str | None:
    """None when the bench database can be reached (created if missing); otherwise why not."""
    try:
        create_database(pg_url())
    except Exception as error:  # any failure to connect means: skip the PostgreSQL benchmarks
        return f"PostgreSQL not reachable at {make_url(pg_url()).render_as_string(hide_password=True)}: {error}"
    return None


def reset_postgres(url: str | None = None) -> None:
    """Empty the database (the bench database unless ``url`` names another): its schema dropped."""
    engine = create_engine(url or pg_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def fresh_postgres(url: str) -> None:
    """A benchmark's own PostgreSQL database, created if missing and emptied."""
    create_database(url)
    reset_postgres(url)


@contextmanager
def database_url(backend: str) -> Iterator[str]:
    """A URL of an empty database for ``backend``; a SQLite file is deleted afterwards."""
    if backend == "postgres":
        reset_postgres()
        yield pg_url()
        return
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        yield f"sqlite:///{os.path.join(folder, 'bench.db')}"


def build_app(url: str, *, clock: str = "system", scheduler: bool = False,
              operations: Mapping[str, Any] | None = None, migrate: bool = True) -> Flask:
    """An app whose engine is wired exactly as ``web.create_app`` wires it, on ``url``, migrated to heads.

    The same settings, database options, Flask-SQLAlchemy binding, ``web.wiring.init_engine`` and
    ``web.timers.init_scheduler``; the blueprints and pages are left out, since nothing here serves
    HTTP (and the benchmarks keep running while the UI is being edited).
    """
    from web.config import from_environment
    from web.database import configure_engine_options
    from web.extensions import db
    from web.extensions import migrate as migrations
    from web.timers import init_scheduler
    from web.wiring import init_engine

    app = Flask("bench")
    app.config.update(from_environment(tempfile.gettempdir()))
    app.config.update({
        "SQLALCHEMY_DATABASE_URI": url,
        "CLOCK": clock,
        "SCHEDULER_ENABLED": scheduler,
        "SECRET_KEY": "bench-only-secret",
        "EXTRA_OPERATIONS": dict(operations or {}),
    })
    configure_engine_options(app)
    db.init_app(app)
    migrations.init_app(app, db, directory=str(MIGRATIONS))
    init_engine(app)
    if migrate:
        with app.app_context(), redirect_stderr(io.StringIO()):  # alembic logs every revision to stderr
            from flask_migrate import upgrade

            upgrade(revision="heads")
    init_scheduler(app)
    return app


@dataclass
class SqlCounter:
    """Counts the statements sent to the database (by first keyword) and the commits."""

    statements: Counter[str] = field(default_factory=Counter)
    commits: int = 0
    active: bool = False

    def attach(self, engine: SqlEngine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _statement(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
            if self.active:
                self.statements[statement.lstrip().split(None, 1)[0].upper()] += 1

        @event.listens_for(engine, "commit")
        def _commit(conn: Any) -> None:
            if self.active:
                self.commits += 1

    @contextmanager
    def counting(self) -> Iterator[SqlCounter]:
        self.statements.clear()
        self.commits = 0
        self.active = True
        try:
            yield self
        finally:
            self.active = False

    def per(self, calls: int) -> dict[str, Any]:
        total = sum(self.statements.values())
        return {
            "statements": round(total / calls, 2),
            "commits": round(self.commits / calls, 2),
            "by_kind": {kind: round(n / calls, 2) for kind, n in sorted(self.statements.items())},
        }


def signed_in_client(app: Flask, username: str, password: str) -> FlaskClient:
    """A test client signed in through the sign-in page (its CSRF token read from the form)."""
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").get_data(as_text=True))
    assert token is not None, "no CSRF token on the sign-in page"
    response = client.post("/sign-in", data={"csrf_token": token.group(1), "username": username,
                                             "password": password})
    assert response.status_code == 302, f"{username} could not sign in"
    return client


def time_page(client: FlaskClient, path: str, calls: int, *, warm: int = 3) -> tuple[dict[str, Any], str]:
    """Server time of ``calls`` GETs of ``path`` (bench.stats.summary_ms) after ``warm`` untimed ones
    (the caches, the parsed specs and the connection pool), every answer a 200; and the last page."""
    for _ in range(warm):
        assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, path
    return summary_ms(samples), response.get_data(as_text=True)
