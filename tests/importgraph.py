"""The project's import graph, read with ``ast``: who imports what, at module level or inside
functions and classes. The layering tests (tests/engine/test_layering.py, tests/test_project_imports.py)
are built on it."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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


def modules_used(files: Iterable[Path], package: str, root: Path = ROOT) -> list[tuple[Path, int, str]]:
    """(file, line, module) for every module of ``package`` the files import; ``from engine import
    queries`` names ``engine.queries``, ``from engine.models import User`` names ``engine.models``."""
    found = []
    for path in sorted(files):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, node.lineno, alias.name) for alias in node.names
                          if alias.name.split(".")[0] == package]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and node.module.split(".")[0] == package:
                folder = root.joinpath(*node.module.split("."))
                for alias in node.names:
                    is_module = (folder / f"{alias.name}.py").is_file() or (folder / alias.name).is_dir()
                    found.append((path, node.lineno, f"{node.module}.{alias.name}" if is_module else node.module))
    return found
