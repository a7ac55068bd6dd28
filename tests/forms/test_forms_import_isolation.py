"""forms/ is pure Python: importing every module of it loads no web framework, engine or database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"flask", "werkzeug", "engine", "workflows", "web", "timers", "sqlalchemy", "flask_sqlalchemy",
             "alembic", "psycopg", "psycopg2", "sqlite3", "SpiffWorkflow"}

PROGRAM = """
import importlib, json, pkgutil, sys
import forms
for module in pkgutil.walk_packages(forms.__path__, "forms."):
    importlib.import_module(module.name)
forms.default_registry().validate("audit_stage_1", {"result": "pass"})
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_importing_forms_loads_no_flask_engine_workflows_or_database() -> None:
    result = subprocess.run([sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert "forms" in loaded and "marshmallow" in loaded
    assert not loaded & FORBIDDEN, loaded & FORBIDDEN
