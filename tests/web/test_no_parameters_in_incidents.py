"""A database error in a step (a value the database refuses) becomes an incident and log lines that
name the error, never the values that were being written: those are a family's personal data."""

from __future__ import annotations

import io
import logging

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from engine.models import Team
from tests.fixtures.app import Api, open_task
from web.extensions import db
from web.logs import handler_for

NAME = "Samira Okonkwo-Bell 1985-04-02"


def test_a_refused_write_names_the_error_but_not_the_values(api: Api, app: Flask,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    api.user("cm1", "case_manager")
    assert api.deploy("service.bpmn").status_code == 201
    db.session.add(Team(id=f"note-{NAME}", name="taken"))  # the operation's insert will clash with it
    db.session.commit()
    started = api.post("/api/v1/instances", as_="admin", json={"process_id": "service_step", "data": {}})
    task = open_task(api, int(started.json["id"]), as_="cm1")
    with caplog.at_level(logging.DEBUG):
        done = api.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm1", json={"data": {"visit_note": NAME}})
    assert done.status_code == 200 and done.json["instance_status"] == "error"
    incident = api.get(f"/api/v1/instances/{started.json['id']}", as_="admin").json["incident"]
    assert "IntegrityError" in incident["message"]  # what went wrong is still there for the admin
    assert "Samira" not in incident["message"] and "1985" not in incident["message"], incident["message"]
    assert "Samira" not in caplog.text and "1985" not in caplog.text
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_logged_database_error_keeps_its_traceback_but_not_its_values(ctx: Flask, log_format: str) -> None:
    db.session.add(Team(id=NAME, name="taken"))  # PostgreSQL's DETAIL names the clashing key
    db.session.commit()
    stream = io.StringIO()
    handler = handler_for(log_format)
    handler.setStream(stream)
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    try:
        db.session.add(Team(id=NAME, name=NAME))
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        logger.exception("could not save the team")
        logger.warning("and again: %s", error)
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "could not save the team" in written and "IntegrityError" in written and "Traceback" in written
    assert "Samira" not in written and "1985" not in written, written
