"""engine/ is a general BPMN runtime: importing it must not load Flask, web, workflows or forms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE_MODULES = sorted(p.stem for p in (ROOT / "engine").glob("*.py") if p.stem != "__init__")


def test_engine_imports_no_flask_web_or_domain() -> None:
    imports = "; ".join(f"import engine.{name}" for name in ENGINE_MODULES)
    probe = (
        f"import sys; {imports}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'web', 'workflows', 'forms', 'timers'}); "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"engine loaded: {result.stdout.strip()}"
    assert len(ENGINE_MODULES) >= 10  # the probe really imported the engine
