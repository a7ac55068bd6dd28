"""workflows/access.py, the domain's one access policy: each predicate lets the right people in and can
refuse; the Role enum names every group the council is set up with."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from engine.access import Actor
from web.council import GROUP_LABELS
from web.extensions import db
from workflows.access import (
    Landing,
    Role,
    is_admin,
    is_tf_reader,
    landing,
    may_manage_claims,
    may_read,
    may_submit,
    may_view_dashboard,
    readable_family,
)
from workflows.models import Family, TfRegister

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def actor(*groups: Role, teams: tuple[str, ...] = (), name: str = "someone") -> Actor:
    return Actor(name, frozenset(groups), frozenset(teams))


def test_role_names_every_group_the_council_is_set_up_with() -> None:
    assert set(GROUP_LABELS) == {role.value for role in Role}


def test_may_read_role_and_need_to_know(ctx: Flask) -> None:
    family = Family(ref="F-2027-000001", district="ashfield", team_id="north", case_manager="cm1", created_at=NOW)
    registered = Family(ref="F-2027-000002", district="ashfield", created_at=NOW)
    db.session.add_all([family, registered])
    db.session.flush()
    db.session.add(TfRegister(family_id=registered.id, added_at=NOW, headline_issues=[1], framework="fop-2017"))
    db.session.flush()
    assert may_read(db.session, actor(Role.ADMIN), family)
    assert may_read(db.session, actor(Role.TEAM_MANAGER, teams=("north",)), family)
    assert may_read(db.session, actor(Role.CASE_MANAGER, name="cm1"), family)
    assert may_read(db.session, actor(Role.TF_TEAM), registered)
    assert not may_read(db.session, actor(Role.TF_TEAM), family)
    assert not may_read(db.session, actor(Role.TEAM_MANAGER, teams=("south",)), family)
    assert not may_read(db.session, actor(Role.CASE_MANAGER, name="cm2"), family)
    assert not may_read(db.session, actor(), family)


def test_a_pft_manager_reads_the_families_on_the_pft_route_only(ctx: Flask) -> None:
    pft = Family(ref="F-2027-000001", district="ashfield", team_id="north", route="parenting_family_team",
                 created_at=NOW)
    managed = Family(ref="F-2027-000002", district="ashfield", team_id="north", route="case_management",
                     created_at=NOW)
    db.session.add_all([pft, managed])
    db.session.flush()
    assert may_read(db.session, actor(Role.PFT_MANAGER), pft)  # they sign its closure off
    assert not may_read(db.session, actor(Role.PFT_MANAGER), managed)
    assert not may_read(db.session, actor(Role.PARENTING_FAMILY_TEAM, name="pft9"), pft)  # workers: need to know


def test_readable_family_is_none_for_an_unknown_ref_or_a_reader_without_need(ctx: Flask) -> None:
    family = Family(ref="F-2027-000001", district="ashfield", team_id="north", created_at=NOW)
    db.session.add(family)
    db.session.flush()
    assert readable_family(db.session, actor(Role.ADMIN), "F-2027-000001") is family
    assert readable_family(db.session, actor(Role.ADMIN), "F-2027-999999") is None
    assert readable_family(db.session, actor(Role.ADMIN), None) is None
    assert readable_family(db.session, actor(Role.TEAM_MANAGER, teams=("south",)), "F-2027-000001") is None


def test_is_admin() -> None:
    assert is_admin(actor(Role.ADMIN))
    assert not is_admin(actor(Role.PROCESS_OWNER, Role.TEAM_MANAGER))


def test_is_tf_reader() -> None:
    for role in (Role.TF_TEAM, Role.TF_PROJECT_MANAGER, Role.TF_COORDINATOR, Role.ADMIN):
        assert is_tf_reader(actor(role)), role
    assert not is_tf_reader(actor(Role.TEAM_MANAGER, Role.CASE_MANAGER, Role.PROCESS_OWNER))


def test_may_manage_claims() -> None:
    assert may_manage_claims(actor(Role.TF_TEAM)) and may_manage_claims(actor(Role.ADMIN))
    assert not may_manage_claims(actor(Role.TF_PROJECT_MANAGER, Role.TF_COORDINATOR))


def test_may_submit() -> None:
    for role in (Role.REFERRER, Role.EARLY_HELP_UNIT, Role.ADMIN):
        assert may_submit(actor(role)), role
    assert not may_submit(actor(Role.CASE_MANAGER, Role.TF_TEAM))


def test_may_view_dashboard() -> None:
    for role in (Role.TEAM_MANAGER, Role.TF_PROJECT_MANAGER, Role.TF_COORDINATOR, Role.ADMIN, Role.PROCESS_OWNER):
        assert may_view_dashboard(actor(role)), role
    assert not may_view_dashboard(actor(Role.CASE_MANAGER, Role.TF_TEAM, Role.REFERRER))


def test_landing() -> None:
    assert landing(actor(Role.ADMIN, Role.TEAM_MANAGER)) is Landing.USERS
    assert landing(actor(Role.PROCESS_OWNER)) is Landing.DEFINITIONS
    assert landing(actor(Role.REFERRER)) is Landing.REFERRAL
    assert landing(actor(Role.TF_COORDINATOR)) is Landing.DASHBOARD
    assert landing(actor(Role.TF_PROJECT_MANAGER, Role.TF_TEAM)) is Landing.INBOX
    assert landing(actor(Role.REFERRER, Role.EARLY_HELP_UNIT)) is Landing.INBOX
