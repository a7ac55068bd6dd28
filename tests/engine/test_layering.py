"""engine/ is a general BPMN runtime: importing it must not load Flask, web, workflows or forms; and
SpiffWorkflow is imported only inside engine/spiff/, its one boundary."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE_MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for p in (ROOT / "engine").rglob("*.py")
)
SPIFF = (ROOT / "engine" / "spiff").resolve()


def imported_modules(path: Path) -> Iterable[tuple[int, str]]:
    """(line, module) for every import in a file, at module level or inside functions and classes."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def forbidden_imports(files: Iterable[Path], roots: set[str]) -> list[str]:
    """``file:line module`` for every import of a module whose top-level package is in ``roots``."""
    return [
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{line} {module}"
        for path in sorted(files)
        for line, module in imported_modules(path)
        if module.split(".")[0] in roots
    ]


def python_files(*folders: str, outside: Path | None = None) -> list[Path]:
    found = [p for folder in folders for p in (ROOT / folder).rglob("*.py")]
    return [p for p in found if outside is None or not p.resolve().is_relative_to(outside)]


def module_name(path: Path, root: Path = ROOT) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def import_graph(files: Iterable[Path], root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the project modules it imports (``from package import module`` names the module).

    A package's ``__init__`` importing its own submodules is no edge: that is how a package re-exports.
    """
    modules = {module_name(p, root): p for p in files}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                           for alias in node.names]
            for target in targets:
                own_submodule = path.name == "__init__.py" and target.startswith(f"{name}.")
                if target in modules and target != name and not own_submodule:
                    graph[name].add(target)
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each circle of imports found, as the modules around it."""
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append(path[path.index(module):] + [module])
            return
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    return cycles


def test_engine_imports_no_flask_web_or_domain() -> None:
    imports = "; ".join(f"import {name}" for name in ENGINE_MODULES)
    probe = (
        f"import sys; {imports}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'web', 'workflows', 'forms', 'timers'}); "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"engine loaded: {result.stdout.strip()}"
    assert len(ENGINE_MODULES) >= 10 and "engine.spiff.serializer" in ENGINE_MODULES  # really the whole engine


def test_inside_the_engine_only_engine_spiff_imports_spiffworkflow() -> None:
    assert forbidden_imports(python_files("engine", outside=SPIFF), {"SpiffWorkflow"}) == []
    assert forbidden_imports(python_files("engine/spiff"), {"SpiffWorkflow"})  # the check sees real imports


def test_web_workflows_forms_and_timers_never_import_spiffworkflow() -> None:
    assert forbidden_imports(python_files("web", "workflows", "forms", "timers"), {"SpiffWorkflow"}) == []


def test_engine_and_timers_modules_import_each_other_without_circles() -> None:
    graph = import_graph(python_files("engine", "timers"))
    assert import_cycles(graph) == []
    assert "engine.delivery" in graph["engine.runtime"]  # the graph sees ``from engine import delivery``


def test_the_cycle_finder_reports_a_two_file_circle_even_behind_type_checking(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from pkg import runner\n", encoding="utf-8")  # a re-export: no circle
    (package / "runner.py").write_text("from pkg import sender\n", encoding="utf-8")
    (package / "sender.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.runner import Runner\n", encoding="utf-8")
    graph = import_graph(package.rglob("*.py"), root=tmp_path)
    assert import_cycles(graph) == [["pkg.runner", "pkg.sender", "pkg.runner"]]
    (package / "sender.py").write_text("import json\n", encoding="utf-8")
    assert import_cycles(import_graph(package.rglob("*.py"), root=tmp_path)) == []


# What timers/ may use of the engine: its public modules, never its internals (locks, transactions).
ENGINE_PUBLIC_FOR_TIMERS = {"engine.runtime", "engine.queries", "engine.access", "engine.errors", "engine.models"}


NOT_FOR_TIMERS = {"web", "workflows", "forms", "bench", "tests"}


def engine_internals(files: Iterable[Path]) -> list[str]:
    """``line module`` for every import of an engine module that is not public to timers/."""
    return [f"{line} {module}" for path in sorted(files) for line, module in imported_modules(path)
            if module.split(".")[0] == "engine" and module not in ENGINE_PUBLIC_FOR_TIMERS]


def test_timers_import_only_the_engines_public_modules_never_web_workflows_or_forms() -> None:
    files = python_files("timers")
    assert forbidden_imports(files, NOT_FOR_TIMERS) == []
    assert engine_internals(files) == []
    assert any(module == "engine.queries" for path in files for _, module in imported_modules(path))


def test_the_checker_reports_module_and_function_level_imports(tmp_path: Path) -> None:
    module = tmp_path / "leaky.py"
    module.write_text(
        "import os\n"
        "from SpiffWorkflow.bpmn import BpmnWorkflow\n"
        "\n"
        "def later():\n"
        "    import SpiffWorkflow.util.task as states\n"
        "    from . import sibling  # relative: this package's own\n"
        "    from web.wiring import get_engine\n"
        "    from engine.locking import skipping_locked\n"
        "    from engine.queries import claim_next_due\n"
        "    return states\n",
        encoding="utf-8",
    )
    assert [finding.split(":", 1)[1] for finding in forbidden_imports([module], {"SpiffWorkflow"})] == [
        "2 SpiffWorkflow.bpmn", "5 SpiffWorkflow.util.task"]
    assert [finding.split(":", 1)[1] for finding in forbidden_imports([module], NOT_FOR_TIMERS)] == [
        "7 web.wiring"]
    assert engine_internals([module]) == ["8 engine.locking"]
