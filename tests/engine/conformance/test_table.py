"""engine/README.md's conformance table is the one the suite generates."""

from __future__ import annotations

from tests.engine.conformance.table import README, table


def test_the_readme_table_is_in_step_with_the_suite() -> None:
    assert table() in README.read_text(), "regenerate: .venv/bin/python -m tests.engine.conformance.table"
