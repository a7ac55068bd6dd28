"""Views keep only HTTP: a module that defines routes (pages or API) neither imports SQLAlchemy's
``select`` nor commits. Reads are query functions in workflows/read/ (or beside the web's own tables),
writes are workflows/services/ (or the web's own store modules)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.importgraph import ROOT, python_files

ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete", "route"}


def defines_routes(tree: ast.AST) -> bool:
    return any(isinstance(node, ast.FunctionDef) and any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ROUTE_DECORATORS
        for d in node.decorator_list) for node in ast.walk(tree))


def database_work(path: Path) -> list[str]:
    """``file:line what`` for each ``select`` import and ``.commit()`` call in a module with routes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if not defines_routes(tree):
        return []
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found += [f"{where}:{node.lineno} imports select" for alias in node.names if alias.name == "select"]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
            found.append(f"{where}:{node.lineno} commits")
    return found


def test_no_view_module_selects_or_commits() -> None:
    views = [path for path in python_files("web") if defines_routes(ast.parse(path.read_text(encoding="utf-8")))]
    assert len(views) >= 15  # the check really sees the pages and the API
    assert [problem for path in views for problem in database_work(path)] == []


def test_the_check_reports_a_view_that_selects_or_commits(tmp_path: Path) -> None:
    view = tmp_path / "views.py"
    view.write_text(
        "from sqlalchemy import func, select\n"
        "@bp.get('/x')\n"
        "def x():\n"
        "    db.session.commit()\n",
        encoding="utf-8",
    )
    helper = tmp_path / "store.py"
    helper.write_text("from sqlalchemy import select\ndef save(session):\n    session.commit()\n", encoding="utf-8")
    assert database_work(view) == ["views.py:1 imports select", "views.py:4 commits"]
    assert database_work(helper) == []  # no routes: a store module may
