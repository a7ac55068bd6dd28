"""workflows/read/choices.py: the people, groups and teams the pages offer as choices."""

from __future__ import annotations

from flask import Flask

from engine.access import Actor
from engine.identity import create_user, ensure_group, ensure_team
from web.extensions import db
from web.wiring import get_engine
from workflows.access import Role
from workflows.read.choices import case_managers, group_choices, team_choices, team_members


def test_choices_list_active_people_and_every_group_for_an_admin(ctx: Flask) -> None:
    now = get_engine().clock.now()
    ensure_team(db.session, "people_probe_team", "Probe team")
    ensure_group(db.session, "people_probe_group")
    db.session.flush()
    create_user(db.session, "probe_cm", groups=(Role.CASE_MANAGER,), teams=("people_probe_team",), now=now,
                display_name="Probe Case Manager")
    gone = create_user(db.session, "probe_gone", groups=(Role.CASE_MANAGER,), teams=("people_probe_team",),
                       now=now, display_name="Probe Gone")
    gone.active = False
    db.session.flush()
    assert team_members(db.session(), ["people_probe_team"]) == [("probe_cm", "Probe Case Manager")]
    assert ("probe_cm", "Probe Case Manager") in case_managers(db.session())
    assert ("probe_gone", "Probe Gone") not in case_managers(db.session())
    assert ("people_probe_team", "Probe team") in team_choices(db.session())
    mine = group_choices(db.session(), Actor(username="x", groups=frozenset({Role.CASE_MANAGER})))
    assert [group_id for group_id, _ in mine] == [Role.CASE_MANAGER]
    admin = group_choices(db.session(), Actor(username="x", groups=frozenset({Role.ADMIN})))
    assert set(mine) < set(admin)  # an administrator filters on any group, not only their own
    db.session.rollback()
