"""Shared fixtures: one app per test session on a migrated database, emptied between tests.

``DATABASE_URL`` picks the backend (CI runs the suite on SQLite and again on PostgreSQL); without it
the suite runs on a temporary SQLite file. The clock is always the manual one: no test sleeps.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from engine.identity import create_user, ensure_group, issue_token
from engine.models import Base
from web import create_app
from web.extensions import db
from web.wiring import get_engine

BPMN = Path(__file__).parent / "engine" / "bpmn"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")


def _reset_schema(url: str) -> None:
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine

        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    _reset_schema(url)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "CLOCK": "manual",
            "SCHEDULER_ENABLED": False,
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),  # the secret key is generated there
            "SCRIPT_TIME_LIMIT_S": 0.3,
            "EXTRA_OPERATIONS": {"write_note": write_note, "checkpoint": checkpoint},
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
    yield app


def write_note(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
    """A test operation: writes a domain row, then fails while the group ``note_service_down`` exists."""
    from engine.models import Group, Team

    ctx.session.add(Team(id=f"note-{params['text']}", name=str(params["text"])))
    ctx.session.flush()
    if ctx.session.get(Group, "note_service_down") is not None:
        raise RuntimeError("the note service is down")
    return {"written": params["text"]}


def checkpoint(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
    """A test operation that, in a worker started with CHECKPOINT_BLOCKS=1, stops mid-step until killed."""
    if os.environ.get("CHECKPOINT_BLOCKS") == "1":
        import sys

        print(f"in-step {ctx.instance.id}", flush=True)
        sys.stdin.readline()  # the test kills this process here
    return {"instance": ctx.instance.id}


def _empty_tables() -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context on an empty database and a fresh parsed-spec cache."""
    with app.app_context():
        _empty_tables()
        get_engine().definitions.clear_cache()
        yield app
        db.session.rollback()
        db.session.remove()


@pytest.fixture
def client(ctx: Flask) -> FlaskClient:
    return ctx.test_client()


class Api:
    """Calls the API as a named user: ``api.as_("cm1").post(...)``."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def user(self, username: str, *groups: str, teams: tuple[str, ...] = ()) -> str:
        engine = get_engine()
        user = create_user(db.session, username, groups=groups, teams=teams, now=engine.clock.now())
        self.tokens[username] = issue_token(db.session, user, now=engine.clock.now())
        db.session.commit()
        return self.tokens[username]

    def headers(self, username: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"} if username else {}

    def get(self, url: str, as_: str | None = None, **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers(as_), **kw)

    def post(self, url: str, as_: str | None = None, **kw: Any) -> Any:
        return self.client.post(url, headers=self.headers(as_), **kw)

    def put(self, url: str, as_: str | None = None, **kw: Any) -> Any:
        return self.client.put(url, headers=self.headers(as_), **kw)

    def deploy(self, *names: str, as_: str = "owner") -> Any:
        data = {"files": [((BPMN / n).open("rb"), n) for n in names]}
        return self.post("/api/v1/definitions", as_=as_, data=data, content_type="multipart/form-data")


@pytest.fixture
def api(client: FlaskClient) -> Api:
    api = Api(client)
    for group in ("case_manager", "team_manager", "early_help_unit"):
        ensure_group(db.session, group)
    db.session.commit()
    api.user("owner", "process_owner")
    api.user("admin", "admin")
    return api
