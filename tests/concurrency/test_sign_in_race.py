"""The lockout under parallel sign-ins on real PostgreSQL: every attempt is counted before its password is
checked, so guesses sent together get no more tries than guesses sent one by one."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from engine.models import User
from tests.fixtures.app import ON_POSTGRES
from tests.fixtures.pages import PASSWORD, csrf
from tests.fixtures.threads import in_threads
from web.extensions import db
from web.ui.auth import passwords
from web.ui.models import LoginState
from web.wiring import get_engine

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="the failure count's row lock is PostgreSQL's: CI runs "
                                                        "these with DATABASE_URL=postgresql+psycopg://...")


def _checked_passwords(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records each real check of a stored hash (True when the password was right)."""
    outcomes: list[bool] = []
    verify = passwords._verify

    def counting(stored: str | None, password: str) -> bool:
        result = verify(stored, password)
        if stored is not None:
            outcomes.append(result)
        return result

    monkeypatch.setattr(passwords, "_verify", counting)
    return outcomes


def _posts(app: Flask, passwords_sent: list[str]) -> list[Any]:
    """One client per attempt, each with its own CSRF token, all posting at once."""
    jobs = []
    for password in passwords_sent:
        client = app.test_client()
        token = csrf(client.get("/sign-in").get_data(as_text=True))
        jobs.append(lambda c=client, t=token, p=password: c.post(
            "/sign-in", data={"csrf_token": t, "username": "cm1", "password": p}).status_code)
    return in_threads(app, *jobs)


def test_forty_wrong_passwords_at_once_get_exactly_the_allowed_tries(ctx: Flask, people: None,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _checked_passwords(monkeypatch)
    statuses = _posts(ctx, ["wrong password!"] * 40)
    assert statuses == [401] * 40, statuses
    assert len(checked) == ctx.config["LOCKOUT_ATTEMPTS"]  # the other 35 were refused unchecked
    user = db.session.query(User).filter_by(username="cm1").one()
    state = db.session.get(LoginState, user.id)
    assert state is not None and state.locked_until is not None
    assert state.locked_until > get_engine().clock.now()


def test_thirty_nine_wrong_and_one_right_at_once(ctx: Flask, people: None, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _checked_passwords(monkeypatch)
    statuses = _posts(ctx, ["wrong password!"] * 20 + [PASSWORD] + ["wrong password!"] * 19)
    assert statuses.count(302) <= 1 and statuses.count(401) >= 39, statuses
    attempts = ctx.config["LOCKOUT_ATTEMPTS"]
    wrong_checked = checked.count(False)
    # Before a right password resets the count at most attempts - 1 wrong ones are checked, after it at
    # most attempts more: never the 39 that were all checked when the count was read, then written.
    assert wrong_checked <= 2 * attempts - 1, checked
    user = db.session.query(User).filter_by(username="cm1").one()
    state = db.session.get(LoginState, user.id)
    assert state is not None
    signed_in = statuses.count(302) == 1
    locked = state.locked_until is not None and state.locked_until > get_engine().clock.now()
    assert locked or (signed_in and state.failed_count < attempts), (statuses, state.failed_count)
