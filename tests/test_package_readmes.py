"""Each package README's module tables name every module of the package exactly once, and nothing else.

A table row starts with a module in backticks (``| `runtime.py` | ... |``). Rows before any
``### `sub/` `` heading describe the package's own folder; rows under such a heading describe that
subpackage. A subpackage is described in its parent's README or has a README of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engine", "forms", "timers", "web", "workflows")
READMES = sorted(p for top in PACKAGES for p in (ROOT / top).rglob("README.md") if (p.parent / "__init__.py").exists())
SECTION = re.compile(r"^### `([a-z_/]+)/`", re.MULTILINE)


def table_modules(readme: Path) -> dict[Path, list[str]]:
    """Folder -> the modules its rows name, in order (``### `sub/` `` starts a subpackage's rows)."""
    tables: dict[Path, list[str]] = {}
    folder = readme.parent
    for line in readme.read_text(encoding="utf-8").splitlines():
        heading = SECTION.match(line)
        if heading:
            folder = readme.parent / heading.group(1)
        elif line.startswith("| `"):
            tables.setdefault(folder, []).extend(re.findall(r"`([a-z_0-9]+\.py)`", line.split("|")[1]))
    return tables


def modules(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.py") if p.name != "__init__.py")


def undescribed(readme: Path, root: Path = ROOT) -> list[str]:
    """What the README gets wrong: a module missing or named twice, a name that is no module, a
    subpackage with neither a section here nor a README of its own."""
    tables = table_modules(readme)
    problems = []
    for folder, listed in tables.items():
        where = folder.relative_to(root)
        problems += [f"{where}/{name} missing" for name in modules(folder) if name not in listed]
        problems += [f"{where}/{name} listed but absent" for name in listed if not (folder / name).is_file()]
        problems += [f"{where}/{name} listed twice" for name in sorted(set(listed)) if listed.count(name) > 1]
    if readme.parent not in tables:
        problems.append(f"{readme.parent.relative_to(root)} has no module table")
    for sub in sorted(p.parent for p in readme.parent.glob("*/__init__.py")):
        if sub not in tables and not (sub / "README.md").exists():
            problems.append(f"{sub.relative_to(root)}/ is described nowhere")
    return problems


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.parent.relative_to(ROOT)))
def test_the_package_readme_names_every_module_once(readme: Path) -> None:
    assert undescribed(readme) == []


def test_engine_readme_is_checked_with_its_spiff_section() -> None:
    tables = table_modules(ROOT / "engine" / "README.md")
    assert "runtime.py" in tables[ROOT / "engine"] and "serializer.py" in tables[ROOT / "engine" / "spiff"]


def test_the_check_reports_missing_unknown_doubled_and_undescribed(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    for name in ("__init__.py", "a.py", "b.py", "sub/__init__.py", "sub/c.py"):
        (package / name).write_text("", encoding="utf-8")
    readme = package / "README.md"
    readme.write_text("| module | job |\n|---|---|\n| `a.py` | one |\n| `a.py` | again |\n| `gone.py` | x |\n",
                      encoding="utf-8")
    assert undescribed(readme, tmp_path) == ["pkg/b.py missing", "pkg/gone.py listed but absent",
                                             "pkg/a.py listed twice", "pkg/sub/ is described nowhere"]
    readme.write_text("| `a.py` | one |\n| `b.py` | two |\n### `sub/`\n| `c.py` | three |\n", encoding="utf-8")
    assert undescribed(readme, tmp_path) == []
