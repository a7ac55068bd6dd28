"""Running the migrations inside a process leaves the loggers that already exist working (alembic's
``fileConfig`` would otherwise disable them all, and a timer worker's failures would go unlogged)."""

from __future__ import annotations

import logging
from pathlib import Path

from flask_migrate import upgrade

from web import create_app


def test_an_in_process_migration_leaves_existing_loggers_enabled(tmp_path: Path) -> None:
    existing = logging.getLogger("timers.worker")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}",
                      "INSTANCE_PATH": str(tmp_path), "SCHEDULER_ENABLED": False})
    with app.app_context():
        upgrade(revision="heads")
    assert existing.disabled is False
    assert logging.getLogger("alembic.runtime.migration").disabled is False
