"""Accounts: the names reserved for pseudo-actors can never be taken by a real account; finding a user
by name and replacing their groups."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.identity import actor_for, create_user, ensure_group, replace_groups, user_named
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


def test_user_named_and_replace_groups_keep_only_known_groups(ctx: Flask) -> None:
    now = get_engine().clock.now()
    user = create_user(db.session, "identity_probe", groups=("referrer",), now=now)
    ensure_group(db.session, "identity_probe_group")
    db.session.flush()
    assert user_named(db.session, "identity_probe") is user
    assert user_named(db.session, "nobody_by_this_name") is None
    replace_groups(db.session, user, ["identity_probe_group", "no_such_group"])
    db.session.flush()
    assert actor_for(db.session, user).groups == {"identity_probe_group"}
    db.session.rollback()
