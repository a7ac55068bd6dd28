"""Accounts: the names reserved for pseudo-actors can never be taken by a real account."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.identity import create_user
from engine.models import User
from web.extensions import db
from web.wiring import get_engine


@pytest.mark.parametrize("username", ["(public)", "(system)", "", "  "])
def test_reserved_and_blank_usernames_are_refused(ctx: Flask, username: str) -> None:
    before = db.session.scalar(select(func.count()).select_from(User))
    with pytest.raises(ValueError, match="cannot be a username"):
        create_user(db.session, username, groups=("referrer",), now=get_engine().clock.now())
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == before
