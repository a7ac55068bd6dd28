"""Fixtures for the pages: people with passwords, the closure and review processes, a family's case."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.access import Actor
from engine.identity import create_user, ensure_group
from engine.models import User
from tests.conftest import BPMN
from web.extensions import db
from web.ui.auth.passwords import set_password
from web.wiring import get_engine

PASSWORD = "correct horse battery"
HOUSEHOLD = [
    {"person_id": "P1", "given_name": "Sam", "family_name": "Smith", "date_of_birth": "1985-04-02",
     "relationship": "Mother", "role": "adult"},
    {"person_id": "P2", "given_name": "Alex", "family_name": "Smith", "date_of_birth": "2012-09-30",
     "relationship": "Son", "role": "child"},
]
FAMILY: dict[str, Any] = {
    "family_ref": "F-2027-000001", "district": "ashfield", "due_on": "2099-01-30T17:00:00+00:00",
    "allocation": {"case_manager": "cm1", "team": "north"},
    "referral": {"household": HOUSEHOLD, "district": "ashfield", "received_on": "2026-01-05"},
    "triage": {"indicators": [{"person_id": "P2", "indicator": 7, "evidence": "Attendance 70%"},
                              {"person_id": "P1", "indicator": 16, "evidence": "On JSA"}]},
}
ADMIN = Actor("setup", frozenset({"admin"}))


def make_user(username: str, *groups: str, teams: tuple[str, ...] = (), name: str | None = None) -> User:
    user = create_user(db.session, username, groups=groups, teams=teams, now=get_engine().clock.now(),
                       display_name=name or username.upper())
    set_password(db.session, user, PASSWORD)
    db.session.commit()
    return user


def deploy(*names: str) -> None:
    get_engine().deploy({n: (BPMN / n).read_bytes() for n in names}, ADMIN)


def start(process_id: str = "closure", data: dict[str, Any] | None = None) -> int:
    return get_engine().start(process_id, "F-2027-000001", data or FAMILY, ADMIN).id


SUMMARY = {"closed_on": "2026-01-10", "summary": "Done", "evidence": "On file",
           "outcomes": [{"person_id": "P2", "indicator": 7, "achieved": True, "evidence": "95% attendance"}]}


def complete_summary(instance_id: int) -> None:
    """cm1 writes the closure summary, so the approval is open for the team's managers."""
    from sqlalchemy import select

    from engine.models import HumanTask

    task_id = db.session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance_id,
                                                            HumanTask.state == "open")).one()
    get_engine().complete(task_id, SUMMARY, Actor("cm1", frozenset({"case_manager"}), frozenset({"north"})))


@pytest.fixture
def people(ctx: Flask) -> None:
    for group in ("case_manager", "team_manager", "early_help_unit", "process_owner", "admin"):
        ensure_group(db.session, group)
    db.session.commit()
    make_user("cm1", "case_manager", teams=("north",), name="Casey Manager")
    make_user("cm2", "case_manager", teams=("north",), name="Chris Manager")
    make_user("tm1", "team_manager", teams=("north",), name="Terry Manager")
    make_user("admin", "admin", name="Ada Admin")
    make_user("owner", "process_owner", name="Olu Owner")
    deploy("closure.bpmn")


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD, next_path: str = "") -> Any:
    page = client.get("/sign-in" + (f"?next={next_path}" if next_path else ""))
    return client.post("/sign-in" + (f"?next={next_path}" if next_path else ""),
                       data={"csrf_token": csrf(page.get_data(as_text=True)), "username": username,
                             "password": password})


def post_form(client: FlaskClient, url: str, data: dict[str, Any], page_url: str | None = None) -> Any:
    page = client.get(page_url or url)
    return client.post(url, data={"csrf_token": csrf(page.get_data(as_text=True)), **data})
