"""Settings, read from the environment. No secrets live in the repository."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance_path: str) -> dict[str, Any]:
    default_db = f"sqlite:///{Path(instance_path) / 'family-journeys.db'}"
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        # system: the real UTC clock; manual: an offset stored in the database (tests, demos, training).
        "CLOCK": os.environ.get("CLOCK", "system"),
        "SCHEDULER_ENABLED": _flag("SCHEDULER_ENABLED", True),
        "TIMER_SWEEP_INTERVAL_S": float(os.environ.get("TIMER_SWEEP_INTERVAL_S", "5")),
        "TIMER_SWEEP_BATCH": int(os.environ.get("TIMER_SWEEP_BATCH", "100")),
        "SCRIPT_TIME_LIMIT_S": float(os.environ.get("SCRIPT_TIME_LIMIT_S", "1.0")),
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "JSON_SORT_KEYS": False,
    }


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder."""
    configured = os.environ.get("SECRET_KEY")
    if configured:
        return configured
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
