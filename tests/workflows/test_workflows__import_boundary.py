"""The data and rule packages stay pure: importing them loads no web framework, engine or database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PURE_PACKAGES = ("workflows.frameworks", "workflows.calendars", "workflows.rules")
FORBIDDEN = ("flask", "engine", "sqlalchemy", "flask_sqlalchemy", "web")

# Imports every module under the pure packages, then names any forbidden module that got loaded.
_PROBE = """
import importlib, pkgutil, sys
for package_name in {packages!r}:
    package = importlib.import_module(package_name)
    for module in pkgutil.walk_packages(package.__path__, package_name + "."):
        importlib.import_module(module.name)
{extra}
loaded = sorted(name for name in sys.modules if name.split(".")[0] in {forbidden!r})
print(",".join(loaded))
"""


def _loaded_forbidden(extra: str = "") -> list[str]:
    code = _PROBE.format(packages=PURE_PACKAGES, forbidden=FORBIDDEN, extra=extra)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in done.stdout.strip().split(",") if name]


def test_pure_packages_import_no_flask_engine_or_database() -> None:
    assert _loaded_forbidden() == []


def test_the_probe_would_notice_a_forbidden_import() -> None:
    # Guards the guard: if the probe stopped seeing imports, the test above would pass vacuously.
    assert "sqlalchemy" in _loaded_forbidden(extra="import sqlalchemy")
