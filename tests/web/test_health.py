"""/healthz and /readyz: open to anyone, no personal data, and /readyz says which check failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from web import create_app
from web.extensions import db

CHECKS = {"database", "migrations", "definitions"}


def bare_app(url: str, instance: Path) -> Flask:
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance),
                       "SCHEDULER_ENABLED": False})


def test_healthz_answers_without_signing_in(client: Any) -> None:
    answer = client.get("/healthz")
    assert (answer.status_code, answer.json) == (200, {"status": "ok"})
    assert "Set-Cookie" not in answer.headers


def test_readyz_waits_for_deployed_definitions(api: Any) -> None:
    answer = api.get("/readyz")
    assert answer.status_code == 503
    assert answer.json == {"status": "not ready", "checks": {"database": True, "migrations": True,
                                                            "definitions": False}}
    assert api.deploy("tick.bpmn").status_code == 201
    answer = api.get("/readyz")
    assert (answer.status_code, answer.json["status"]) == (200, "ready")
    assert set(answer.json["checks"]) == CHECKS and all(answer.json["checks"].values())


def test_readyz_fails_on_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    app = bare_app(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["checks"] == {"database": True, "migrations": False, "definitions": False}


def test_readyz_fails_on_an_unreachable_database_without_naming_it(tmp_path: Path) -> None:
    url = "postgresql+psycopg://ops:s3cret@127.0.0.1:1/nowhere?connect_timeout=1"
    app = bare_app(url, tmp_path)
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["checks"] == {"database": False, "migrations": False, "definitions": False}
    assert b"s3cret" not in answer.data and b"nowhere" not in answer.data
    with app.app_context():
        db.engine.dispose()


def test_an_api_request_while_the_database_is_down_is_a_503_not_a_500(tmp_path: Path, caplog: Any) -> None:
    app = bare_app("postgresql+psycopg://ops:s3cret@127.0.0.1:1/nowhere?connect_timeout=1", tmp_path)
    answer = app.test_client().get("/api/v1/tasks", headers={"Authorization": "Bearer some-token"})
    assert answer.status_code == 503
    assert answer.json["error"]["code"] == "database_unavailable"
    assert b"s3cret" not in answer.data and "s3cret" not in caplog.text
    page = app.test_client().get("/sign-in")
    assert page.status_code in (200, 503)  # the sign-in form reads nothing; anything that does answers 503
    with app.app_context():
        db.engine.dispose()
