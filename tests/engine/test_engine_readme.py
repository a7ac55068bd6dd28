"""engine/README.md's module tables name every module of engine/ and engine/spiff/ exactly once."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "engine" / "README.md").read_text(encoding="utf-8")


def _table_modules(section: str) -> list[str]:
    return [name for row in section.splitlines() if row.startswith("| `")
            for name in re.findall(r"`([a-z_]+\.py)`", row.split("|")[1])]


def test_every_engine_module_is_in_the_readme_once() -> None:
    top, _, spiff = README.partition("### `spiff/`")
    for section, folder in ((top, ROOT / "engine"), (spiff, ROOT / "engine" / "spiff")):
        listed = _table_modules(section)
        modules = sorted(p.name for p in folder.glob("*.py") if p.name != "__init__.py")
        assert sorted(listed) == modules, set(listed) ^ set(modules)
