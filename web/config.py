"""Settings, read from the environment. No secrets live in the repository.

``SETTINGS`` is the whole list: each names its environment variable, the config key it fills, how the
text is read and its default. docs/settings.md describes every one (a test keeps the two in step).
Settings passed to ``create_app`` (tests, benchmarks) override the environment.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class SettingError(ValueError):
    """An environment variable holds something its setting cannot read: the app refuses to start."""


def flag(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected 1/0, true/false, yes/no or on/off")


def one_of(text: str, *choices: str) -> str:
    value = text.strip().lower()
    if value not in choices:
        raise ValueError(f"expected one of {', '.join(choices)}")
    return value


@dataclass(frozen=True)
class Setting:
    env: str
    read: Callable[[str], Any]
    default: Any = None  # None: unset; whoever reads the key decides (see the comments below)
    key: str = ""  # the config key when it differs from the environment variable's name

    @property
    def config_key(self) -> str:
        return self.key or self.env


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", str, key="SQLALCHEMY_DATABASE_URI"),  # default: SQLite in the instance folder
    Setting("SECRET_KEY", str),  # default: generated once into the instance folder
    # system: the real UTC clock; manual: an offset stored in the database (tests, demos, training).
    Setting("CLOCK", str, "system"),
    Setting("SCHEDULER_ENABLED", flag, True),
    Setting("TIMER_SWEEP_INTERVAL_S", float, 5.0),
    Setting("TIMER_SWEEP_BATCH", int, 100),
    Setting("SCRIPT_TIME_LIMIT_S", float, 1.0),
    Setting("TIMER_CYCLE_FLOOR_S", float, 60.0),
    Setting("TIMER_STARTS_PER_SWEEP", int, 20),
    Setting("SESSION_COOKIE_SECURE", flag),  # default: Secure unless testing
    Setting("SESSION_IDLE_MINUTES", float, 30.0),
    Setting("SESSION_WARNING_MINUTES", float, 5.0),
    Setting("SESSION_MAX_HOURS", float, 12.0),
    Setting("LOCKOUT_ATTEMPTS", int, 5),
    Setting("LOCKOUT_MINUTES", float, 15.0),
    Setting("SIGN_IN_RATE_LIMIT", str, "60 per minute"),  # sign-in posts per client address
    Setting("RATELIMIT_STORAGE_URI", str, "memory://"),  # shared by all workers when there are several
    Setting("REFERRAL_DRAFT_HOURS", float, 24.0),
    Setting("API_TOKEN_DAYS", float, 90.0),  # how long a new API token is valid
    Setting("OIDC_ISSUER", str),
    Setting("OIDC_CLIENT_ID", str),
    Setting("OIDC_CLIENT_SECRET", str),
    Setting("OIDC_GROUPS_CLAIM", str, "groups"),
    Setting("PROXY_FIX_HOPS", int, 0),  # proxies in front whose X-Forwarded-* headers are trusted
    Setting("METRICS_ALLOW", str, "127.0.0.1/32,::1/128"),  # networks that may read /metrics
    Setting("METRICS_TOKEN", str),  # or a bearer token that may, from anywhere
    Setting("LOG_FORMAT", lambda text: one_of(text, "text", "json"), "text"),
)


def instance_folder(settings: Mapping[str, Any]) -> str | None:
    """Where the embedded database and the generated secret key live: ``INSTANCE_PATH``, else Flask's
    default (``instance/`` beside the code in a checkout)."""
    chosen = settings.get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH")
    return os.path.abspath(chosen) if chosen else None


def from_environment(instance_path: str) -> dict[str, Any]:
    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'family-journeys.db'}",
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "JSON_SORT_KEYS": False,
    }
    for setting in SETTINGS:
        text = os.environ.get(setting.env)
        if text is None or (text.strip() == "" and setting.read is not flag):
            # None marks "unset" for whoever owns the key (Flask's own defaults would hide it).
            config.setdefault(setting.config_key, setting.default)
            continue
        try:
            config[setting.config_key] = setting.read(text)
        except ValueError as error:
            raise SettingError(f"the environment variable {setting.env}={text!r} is not valid: {error}") from error
    return config


def secret_key(instance_path: str) -> str:
    """A key generated once and kept, readable by its owner only, in the instance folder."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
