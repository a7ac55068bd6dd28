"""engine/ is a general BPMN runtime: importing it must not load Flask, web, workflows or forms; and
SpiffWorkflow is imported only inside engine/spiff/, its one boundary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.importgraph import forbidden_imports, import_cycles, import_graph, imported_modules, python_files

ROOT = Path(__file__).resolve().parents[2]
ENGINE_MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for p in (ROOT / "engine").rglob("*.py")
)
SPIFF = (ROOT / "engine" / "spiff").resolve()


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


NOT_FOR_TIMERS = {"web", "workflows", "forms", "bench", "tests"}


def test_timers_never_import_web_workflows_or_forms() -> None:
    files = python_files("timers")
    assert forbidden_imports(files, NOT_FOR_TIMERS) == []
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
