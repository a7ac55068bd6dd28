"""Migration 0007 numbers the events already written: per instance, in the order they were written."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from web import create_app
from web.extensions import db

INSERTS = [
    "INSERT INTO definition_version (id, version, sha256, files, deployed_by, deployed_at) "
    "VALUES (1, 1, 'x', '{}', 'ops', '2027-01-01 00:00:00')",
    *[f"INSERT INTO instance (id, version_id, process_id, status, state, data, lock_version, created_at, updated_at) "
      f"VALUES ({n}, 1, 'p', 'active', '', '{{}}', 1, '2027-01-01 00:00:00', '2027-01-01 00:00:00')" for n in (1, 2)],
    # Interleaved instances, as a busy server writes them.
    *[f"INSERT INTO event (id, instance_id, kind, actor, at) VALUES ({event_id}, {instance_id}, 'k', 'a', "
      f"'2027-01-01 00:00:00')" for event_id, instance_id in ((10, 1), (11, 2), (12, 1), (13, 1), (14, 2))],
]


def test_existing_events_are_numbered_per_instance_in_id_order(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}",
                      "INSTANCE_PATH": str(tmp_path), "SCHEDULER_ENABLED": False})
    with app.app_context():
        upgrade(revision="0006_tf_register_issues")
        with db.engine.begin() as connection:
            for statement in INSERTS:
                connection.execute(text(statement))
        upgrade(revision="0007_event_seq")
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, instance_id, seq FROM event ORDER BY id")).all()
        db.engine.dispose()
    assert [tuple(row) for row in rows] == [(10, 1, 1), (11, 2, 1), (12, 1, 2), (13, 1, 3), (14, 2, 2)]
