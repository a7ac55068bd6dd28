"""Migration 0007 numbers the events already written, per instance, in the order they were written."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from web import create_app
from web.extensions import db


def test_the_migration_numbers_existing_events_per_instance_in_order_of_id(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}",
                      "INSTANCE_PATH": str(tmp_path), "SCHEDULER_ENABLED": False})
    with app.app_context():
        upgrade(revision="0006_tf_register_issues")
        # Events of instances that are not there: the backfill reads only the event table.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("PRAGMA foreign_keys = OFF"))
            for event_id, instance_id in ((1, 7), (2, 9), (3, 7), (4, 7), (5, 9)):
                connection.execute(text("INSERT INTO event (id, instance_id, kind, actor, at) "
                                        "VALUES (:id, :instance, 'x', 'system', '2027-01-01 00:00:00')"),
                                   {"id": event_id, "instance": instance_id})
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, instance_id, seq FROM event ORDER BY id")).all()
        db.engine.dispose()
    assert [tuple(row) for row in rows] == [(1, 7, 1), (2, 9, 1), (3, 7, 2), (4, 7, 3), (5, 9, 2)]
