"""The first run, as a new user makes it: the README's commands build the app from the environment alone.

No settings are passed to ``create_app`` here: every value comes from the environment, as with
``flask --app web`` and a WSGI server (``web:create_app()``). The embedded default (SQLite in the
instance folder) is what ``make run`` uses, so this runs on it whatever database the suite is on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from flask import Flask

from tests.fixtures.shell import csrf_token, flask_command, sign_in, user_environment
from web import create_app
from web.config import SETTINGS
from web.demo.people import DEMO_PASSWORD


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """`make run`'s steps on a fresh instance folder, then the app a WSGI server builds from that environment."""
    env = user_environment(tmp_path_factory.mktemp("first-run") / "instance")
    for step in (("db", "upgrade", "heads"), ("setup",)):
        done = flask_command(*step, env=env)
        assert done.returncode == 0, f"flask {' '.join(step)} failed:\n{done.stdout}\n{done.stderr}"
        # A command line never starts the in-app sweep beside what it was asked to do.
        assert "timer sweep scheduled" not in done.stderr + done.stdout
    with pytest.MonkeyPatch.context() as monkeypatch:
        for setting in SETTINGS:
            monkeypatch.delenv(setting.env, raising=False)
        monkeypatch.setenv("INSTANCE_PATH", env["INSTANCE_PATH"])
        app = create_app()
    try:
        yield app
    finally:
        scheduler = app.extensions.get("scheduler")
        if scheduler is not None:
            scheduler.shutdown(wait=False)


def test_the_app_a_user_starts_signs_ehu1_in_and_opens_the_inbox(first_run: Flask) -> None:
    app = first_run
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert Path(app.instance_path, "secret_key").is_file()  # generated, not passed
    assert "scheduler" in app.extensions  # a WSGI server's app sweeps timers by default
    client = sign_in(app.test_client(), "ehu1", DEMO_PASSWORD)
    landing = client.get("/", follow_redirects=True)
    assert landing.status_code == 200
    document = lxml.html.fromstring(landing.data)
    assert document.findtext(".//h1").strip() == "Tasks"
    tasks = [a.text_content().strip() for a in document.xpath("//table//a[contains(@href, '/tasks/')]")]
    assert tasks and all(name.startswith("Triage the referral") for name in tasks), tasks


def test_a_wrong_password_on_the_first_run_is_refused_with_the_forms_message(first_run: Flask) -> None:
    client = first_run.test_client()
    form = client.get("/sign-in")
    answer = client.post("/sign-in", data={"csrf_token": csrf_token(form.data), "username": "ehu1",
                                          "password": "not the password"})
    assert answer.status_code == 401
    assert "Enter a correct username and password" in answer.get_data(as_text=True)
    assert client.get("/inbox").status_code == 302  # still signed out
