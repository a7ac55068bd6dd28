"""Migration 0007 numbers the events already written, per instance, in the order they were written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask_migrate import upgrade

from web import create_app
from web.extensions import db


def test_the_migration_numbers_existing_events_per_instance_in_order_of_id(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "INSTANCE_PATH": str(tmp_path), "SCHEDULER_ENABLED": False})
    with app.app_context():
        upgrade(revision="0006_tf_register_issues")
        db.engine.dispose()
        # Two instances of a version that is not there (foreign keys off): the backfill reads only events.
        with sqlite3.connect(path) as connection:
            connection.executemany("INSERT INTO instance (id, version_id, process_id, status, state, data, "
                                   "lock_version, created_at, updated_at) VALUES (?, 1, 'p', 'active', '', '{}', 1, "
                                   "'2027-01-01 00:00:00', '2027-01-01 00:00:00')", [(7,), (9,)])
            connection.executemany("INSERT INTO event (id, instance_id, kind, actor, at) "
                                   "VALUES (?, ?, 'x', 'system', '2027-01-01 00:00:00')",
                                   [(1, 7), (2, 9), (3, 7), (4, 7), (5, 9)])
        upgrade(revision="heads")
        db.engine.dispose()
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT id, instance_id, seq FROM event ORDER BY id").fetchall()
    assert rows == [(1, 7, 1), (2, 9, 1), (3, 7, 2), (4, 7, 3), (5, 9, 2)]
