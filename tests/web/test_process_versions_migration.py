"""Migration 0009 makes every bundle already deployed a version of each process it holds, numbered per
process in deploy order; instances created before it keep no pins."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask_migrate import upgrade

from web import create_app
from web.extensions import db


def test_the_migration_numbers_existing_bundles_per_process_in_deploy_order(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "INSTANCE_PATH": str(tmp_path), "SCHEDULER_ENABLED": False})
    with app.app_context():
        upgrade(revision="0008_api_token_expiry")
        db.engine.dispose()
        with sqlite3.connect(path) as connection:
            # Bundle 1 holds p and q, bundle 2 only p, bundle 3 only q (ids out of deploy order on purpose).
            connection.executemany("INSERT INTO definition_version (id, version, sha256, files, deployed_by, "
                                   "deployed_at) VALUES (?, ?, ?, '{}', ?, '2027-01-01 00:00:00')",
                                   [(10, 1, "a" * 64, "ann"), (5, 2, "b" * 64, "bob"), (7, 3, "c" * 64, "cat")])
            connection.executemany("INSERT INTO definition_process (version_id, process_id, inbox_fields, "
                                   "properties) VALUES (?, ?, '[]', '{}')",
                                   [(10, "p"), (10, "q"), (5, "p"), (7, "q")])
            connection.execute("INSERT INTO instance (id, version_id, process_id, status, state, data, lock_version, "
                               "created_at, updated_at) VALUES (1, 5, 'p', 'active', '', '{}', 1, "
                               "'2027-01-01 00:00:00', '2027-01-01 00:00:00')")
        upgrade(revision="heads")
        db.engine.dispose()
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT process_id, number, bundle_id, sha256, published_by, note "
                                  "FROM process_version ORDER BY process_id, number").fetchall()
        pins = connection.execute("SELECT pins FROM instance").fetchall()
    note = "Published before versions were kept per process"
    assert rows == [("p", 1, 10, "a" * 64, "ann", note), ("p", 2, 5, "b" * 64, "bob", note),
                    ("q", 1, 10, "a" * 64, "ann", note), ("q", 2, 7, "c" * 64, "cat", note)]
    assert pins == [(None,)]
