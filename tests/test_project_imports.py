"""How the project's packages import each other: no circles anywhere, and the engine entered only
through the public modules engine/README.md lists for each package."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.importgraph import ROOT, import_cycles, import_graph, modules_used, python_files

PROJECT = ("engine", "forms", "timers", "web", "workflows")


def public_engine_modules(readme: str) -> dict[str, set[str]]:
    """Package -> the engine modules it may import, from the README's ``- for `pkg`: `a`, `b` ...`` lines."""
    allowed: dict[str, set[str]] = {}
    for package, names in re.findall(r"^- for `(\w+)`: (.+)$", readme, re.MULTILINE):
        allowed[package] = {f"engine.{name}" for name in re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", names))}
    return allowed


PUBLIC = public_engine_modules((ROOT / "engine" / "README.md").read_text(encoding="utf-8"))


def engine_internals_used(files: list[Path], allowed: set[str]) -> list[str]:
    return [f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{line} {module}"
            for path, line, module in modules_used(files, "engine") if module not in allowed]


def test_no_two_project_modules_import_each_other_in_a_circle() -> None:
    graph = import_graph(python_files(*PROJECT))
    assert import_cycles(graph) == []
    assert "workflows.hooks" in graph["web.wiring"]  # the graph spans the packages


@pytest.mark.parametrize("package", ["web", "workflows", "timers"])
def test_a_package_reaches_the_engine_only_through_its_public_modules(package: str) -> None:
    assert engine_internals_used(python_files(package), PUBLIC[package]) == []


def test_the_readme_lists_the_public_modules_per_package() -> None:
    assert PUBLIC["web"] == {f"engine.{name}" for name in (
        "runtime", "queries", "diagrams", "access", "identity", "errors", "clock", "models", "definitions",
        "live_counts", "waits")}
    assert PUBLIC["workflows"] == PUBLIC["web"] | {"engine.steps", "engine.spec_diff"}
    assert PUBLIC["timers"] == {f"engine.{name}" for name in ("runtime", "queries", "access", "errors", "models")}
    assert all((ROOT / "engine" / f"{module.split('.')[1]}.py").is_file() for modules in PUBLIC.values()
               for module in modules)


def test_the_check_reports_an_engine_internal_imported_however_it_is_spelled(tmp_path: Path) -> None:
    view = tmp_path / "view.py"
    view.write_text(
        "from engine import queries, locking\n"
        "from engine.runtime import Engine\n"
        "def later():\n"
        "    import engine.transaction\n"
        "    from engine.spiff import serializer\n",
        encoding="utf-8",
    )
    assert engine_internals_used([view], PUBLIC["web"]) == [
        "view.py:1 engine.locking", "view.py:4 engine.transaction", "view.py:5 engine.spiff.serializer"]
