"""Every setting is read from the environment, and setting it changes the app a user starts.

Each test builds the app with ``create_app()`` and no arguments, as ``flask --app web`` and a WSGI
server do, in an environment holding none of the app's settings but the one under test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import flask.cli
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo, cli
from itsdangerous import URLSafeTimedSerializer

from engine.clock import ManualClock, SystemClock
from web import create_app
from web.config import SETTINGS, SettingError
from web.wiring import get_engine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """A shell with none of the app's settings, its instance folder in a temporary directory."""
    for setting in SETTINGS:
        monkeypatch.delenv(setting.env, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SCHEDULER_ENABLED", "0")  # the tests of the scheduler switch it on themselves
    return monkeypatch


@pytest.fixture
def started() -> Iterator[list[Flask]]:
    """Apps built by a test; any in-app sweep they started is stopped afterwards."""
    apps: list[Flask] = []
    yield apps
    for app in apps:
        if "scheduler" in app.extensions:
            app.extensions["scheduler"].shutdown(wait=False)


def user_app(started: list[Flask]) -> Flask:
    app = create_app()
    started.append(app)
    return app


def session_cookie_key(app: Flask) -> str | bytes:
    """The key that signs the session cookie of this app (Flask's own serializer)."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert isinstance(serializer, URLSafeTimedSerializer)
    return serializer.secret_keys[-1]


def test_secret_key_from_the_environment_signs_the_session(environment: pytest.MonkeyPatch,
                                                           started: list[Flask]) -> None:
    environment.setenv("SECRET_KEY", "a-key-from-the-environment")
    app = user_app(started)
    assert app.secret_key == "a-key-from-the-environment"
    assert session_cookie_key(app) == b"a-key-from-the-environment"
    assert not Path(app.instance_path, "secret_key").exists()  # nothing generated when one is given


def test_without_secret_key_one_is_generated_once_and_kept_private(environment: pytest.MonkeyPatch,
                                                                   started: list[Flask]) -> None:
    first = user_app(started)
    key_file = Path(first.instance_path, "secret_key")
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert re.fullmatch(r"[0-9a-f]{64}", str(first.secret_key))
    assert user_app(started).secret_key == first.secret_key  # a restart keeps every session valid


def test_database_url_chooses_the_database(environment: pytest.MonkeyPatch, started: list[Flask],
                                           tmp_path: Path) -> None:
    default = user_app(started)
    assert default.config["SQLALCHEMY_DATABASE_URI"] == \
        f"sqlite:///{tmp_path / 'instance' / 'family-journeys.db'}"
    environment.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'chosen.db'}")
    chosen = user_app(started)
    with chosen.app_context():
        from web.extensions import db

        assert db.engine.url.database == str(tmp_path / "chosen.db")


def test_instance_path_holds_the_embedded_database_and_the_key(environment: pytest.MonkeyPatch,
                                                               started: list[Flask], tmp_path: Path) -> None:
    environment.setenv("INSTANCE_PATH", str(tmp_path / "elsewhere"))
    app = user_app(started)
    assert app.instance_path == str(tmp_path / "elsewhere")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith(str(tmp_path / "elsewhere" / "family-journeys.db"))
    assert Path(tmp_path, "elsewhere", "secret_key").is_file()


@pytest.mark.parametrize(("value", "clock"), [("system", SystemClock), ("manual", ManualClock)])
def test_clock_chooses_the_engines_clock(environment: pytest.MonkeyPatch, started: list[Flask], value: str,
                                         clock: type) -> None:
    environment.setenv("CLOCK", value)
    app = user_app(started)
    with app.app_context():
        assert type(get_engine().clock) is clock


def test_an_unknown_clock_is_refused_at_start(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("CLOCK", "sundial")
    with pytest.raises(ValueError, match="CLOCK must be 'system' or 'manual', not 'sundial'"):
        create_app()


def test_scheduler_enabled_and_the_interval_shape_the_in_app_sweep(environment: pytest.MonkeyPatch,
                                                                   started: list[Flask]) -> None:
    assert "scheduler" not in user_app(started).extensions  # SCHEDULER_ENABLED=0
    environment.setenv("SCHEDULER_ENABLED", "1")
    environment.setenv("TIMER_SWEEP_INTERVAL_S", "90")
    job = user_app(started).extensions["scheduler"].get_job("timer-sweep")
    assert job.trigger.interval == timedelta(seconds=90)
    environment.setenv("TIMER_SWEEP_INTERVAL_S", "7.5")
    job = user_app(started).extensions["scheduler"].get_job("timer-sweep")
    assert job.trigger.interval == timedelta(seconds=7.5)


def test_a_setting_that_cannot_be_read_stops_the_app_with_its_name(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("SCHEDULER_ENABLED", "perhaps")
    with pytest.raises(SettingError, match=r"SCHEDULER_ENABLED='perhaps' is not valid"):
        create_app()
    environment.setenv("SCHEDULER_ENABLED", "0")
    environment.setenv("TIMER_SWEEP_INTERVAL_S", "five")
    with pytest.raises(SettingError, match=r"TIMER_SWEEP_INTERVAL_S='five' is not valid"):
        create_app()


@pytest.mark.parametrize(("env", "text", "key", "value"), [
    ("TIMER_SWEEP_BATCH", "250", "TIMER_SWEEP_BATCH", 250),
    ("SCRIPT_TIME_LIMIT_S", "2.5", "SCRIPT_TIME_LIMIT_S", 2.5),
    ("SESSION_IDLE_MINUTES", "45", "SESSION_IDLE_MINUTES", 45.0),
    ("SESSION_WARNING_MINUTES", "2", "SESSION_WARNING_MINUTES", 2.0),
    ("SESSION_MAX_HOURS", "8", "PERMANENT_SESSION_LIFETIME", timedelta(hours=16)),
    ("LOCKOUT_ATTEMPTS", "3", "LOCKOUT_ATTEMPTS", 3),
    ("LOCKOUT_MINUTES", "60", "LOCKOUT_MINUTES", 60.0),
    ("REFERRAL_DRAFT_HOURS", "48", "REFERRAL_DRAFT_HOURS", 48.0),
    ("OIDC_ISSUER", "https://login.example/", "OIDC_ISSUER", "https://login.example/"),
    ("OIDC_CLIENT_ID", "family-journeys", "OIDC_CLIENT_ID", "family-journeys"),
    ("OIDC_CLIENT_SECRET", "s3cret", "OIDC_CLIENT_SECRET", "s3cret"),
    ("OIDC_GROUPS_CLAIM", "roles", "OIDC_GROUPS_CLAIM", "roles"),
])
def test_each_other_setting_reaches_the_config(environment: pytest.MonkeyPatch, started: list[Flask], env: str,
                                               text: str, key: str, value: object) -> None:
    before = user_app(started).config[key]
    environment.setenv(env, text)
    after = user_app(started).config[key]
    assert (before, after) != (value, value) and after == value


def test_cookies_are_secure_unless_the_setting_says_otherwise(environment: pytest.MonkeyPatch,
                                                              started: list[Flask]) -> None:
    assert user_app(started).config["SESSION_COOKIE_SECURE"] is True
    environment.setenv("SESSION_COOKIE_SECURE", "false")
    assert user_app(started).config["SESSION_COOKIE_SECURE"] is False


def test_every_setting_is_documented_and_every_documented_one_exists() -> None:
    page = (ROOT / "docs" / "settings.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", page, flags=re.MULTILINE))
    assert documented == {s.env for s in SETTINGS} | {"INSTANCE_PATH"}


def cli_app(environment: pytest.MonkeyPatch, *args: str, serve: Callable[..., None] | None = None) -> Flask:
    """Run ``flask --app web ARGS`` in this process and return the app it built."""
    built: list[Flask] = []

    def factory() -> Flask:
        built.append(create_app())
        return built[-1]

    if serve is not None:
        environment.setattr(flask.cli, "run_simple", serve)
    result = CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=factory), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return built[0]


def test_command_lines_never_start_the_sweep_but_flask_run_does(environment: pytest.MonkeyPatch,
                                                                started: list[Flask]) -> None:
    environment.setenv("SCHEDULER_ENABLED", "1")
    environment.setenv("CLOCK", "manual")
    for command in (["db", "upgrade", "heads"], ["timers", "sweep"], ["routes"]):
        app = cli_app(environment, *command)
        started.append(app)
        assert "scheduler" not in app.extensions, command
    served: list[object] = []
    app = cli_app(environment, "run", "--port", "5099", serve=lambda *a, **kw: served.append(a[2]))
    started.append(app)
    assert served == [app] and "scheduler" in app.extensions
