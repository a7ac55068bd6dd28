"""What the numbers were measured on."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Any


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _postgres_version(url: str) -> str | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            found = connection.scalar(text("SHOW server_version"))
            settings = {name: connection.scalar(text(f"SHOW {name}"))
                        for name in ("shared_buffers", "synchronous_commit", "fsync")}
        engine.dispose()
        return f"{found} ({', '.join(f'{k}={v}' for k, v in settings.items())})"
    except Exception:  # the PostgreSQL benchmarks were skipped; so is this line
        return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine_info(pg_url: str | None) -> dict[str, Any]:
    import sqlite3

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "spiffworkflow": _package("spiffworkflow"),
        "sqlalchemy": _package("sqlalchemy"),
        "psycopg": _package("psycopg"),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _postgres_version(pg_url) if pg_url else None,
        "git_commit": _git_commit(),
    }
