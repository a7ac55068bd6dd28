"""No family member's name reaches the logs or the metrics: after `make run`'s setup (the demo council's
journeys, timers and all) and people working through the pages, every line written and the metrics
page are searched for every demo person's given and family name."""

from __future__ import annotations

import logging
import re
import subprocess

import pytest
from sqlalchemy import select

from tests.fixtures.shell import flask_command, sign_in, user_environment
from web import create_app
from web.demo.people import DEMO_PASSWORD
from web.extensions import db
from workflows.models import Family, Person


def test_the_demo_journeys_and_page_visits_log_no_names(tmp_path_factory: pytest.TempPathFactory,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    env = user_environment(tmp_path_factory.mktemp("names") / "instance")
    written = []
    for step in (("db", "upgrade", "heads"), ("setup",)):
        done: subprocess.CompletedProcess[str] = flask_command(*step, env={**env, "LOG_FORMAT": "json"})
        assert done.returncode == 0, done.stderr
        written += [done.stdout, done.stderr]
    monkeypatch.setenv("INSTANCE_PATH", env["INSTANCE_PATH"])
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SCHEDULER_ENABLED": False})
    with app.app_context():
        names = {name for person in db.session.scalars(select(Person))
                 for name in (person.given_name, person.family_name)}
        families = list(db.session.scalars(select(Family.ref).limit(10)))
    client = sign_in(app.test_client(), "admin1", DEMO_PASSWORD)
    with caplog.at_level(logging.DEBUG):
        for url in ["/inbox", "/dashboard", *(f"/families/{ref}" for ref in families)]:
            assert client.get(url).status_code in (200, 404), url
        metrics = client.get("/metrics")
    assert metrics.status_code == 200
    written += [caplog.text, metrics.get_data(as_text=True)]
    text = "\n".join(written)
    assert len(names) > 15 and len(families) == 10
    assert "GET /families/<ref>" in caplog.text  # the page visits were logged
    hits = [m for name in sorted(names) for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    assert [text[max(0, m.start() - 200):m.end() + 50] for m in hits][:3] == []  # where a name leaked
