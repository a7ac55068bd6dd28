"""Admin pages: users with groups, teams and passwords; group labels; teams; OIDC group mapping."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from engine.models import Group, GroupMember, Team, User
from tests.fixtures.client_request import Page
from tests.fixtures.pages import csrf, sign_in
from web.extensions import db
from web.ui.models import GroupMapping, LoginState


def test_an_admin_adds_a_user_who_can_then_sign_in(client: FlaskClient, people: None) -> None:
    sign_in(client, "admin")
    page = client.get("/admin/users/new").get_data(as_text=True)
    response = client.post("/admin/users/new", data={
        "csrf_token": csrf(page), "username": "pf1", "display_name": "Pat Family", "groups": ["case_manager"],
        "teams": ["north"], "active": "true", "password": "a long enough password"})
    assert response.status_code == 302
    user = db.session.scalars(select(User).where(User.username == "pf1")).one()
    assert set(db.session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user.id))) == \
        {"case_manager"}
    assert ["pf1", "Pat Family", "Case manager", "north", "Active"] in \
        Page(client.get("/admin/users")).rows("table")
    assert sign_in(client.application.test_client(), "pf1", "a long enough password").status_code == 302


def test_user_form_errors_use_the_error_summary(client: FlaskClient, people: None) -> None:
    sign_in(client, "admin")
    page = client.get("/admin/users/new").get_data(as_text=True)
    response = client.post("/admin/users/new", data={"csrf_token": csrf(page), "username": "Bad Name!",
                                                     "display_name": "", "password": "short"})
    page = Page(response)
    assert response.status_code == 400 and page.text(".govuk-error-summary__title") == "There is a problem"
    summary_links = [a["href"] for a in page.select(".govuk-error-summary__list a")]
    assert "#username" in summary_links and "#display_name" in summary_links
    assert any("12 characters" in item for item in page.error_summary)


def test_an_admin_changes_groups_teams_and_unlocks(client: FlaskClient, people: None) -> None:
    user = db.session.scalars(select(User).where(User.username == "cm2")).one()
    state = db.session.get(LoginState, user.id)  # set_password made it
    assert state is not None
    state.locked_until = datetime(2100, 1, 1, tzinfo=UTC)
    db.session.commit()
    sign_in(client, "admin")
    assert "Locked" in Page(client.get("/admin/users")).column("table", 4)
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    client.post(f"/admin/users/{user.id}", data={"csrf_token": csrf(page), "display_name": "Chris M",
                                                 "groups": ["team_manager"], "teams": ["north"],
                                                 "active": "true", "unlock": "true"})
    db.session.expire_all()
    assert set(db.session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user.id))) == \
        {"team_manager"}
    assert db.session.get(LoginState, user.id).locked_until is None  # type: ignore[union-attr]


def test_group_labels_new_groups_teams_and_mappings(client: FlaskClient, people: None) -> None:
    sign_in(client, "admin")
    page = client.get("/admin/groups").get_data(as_text=True)
    client.post("/admin/groups", data={"csrf_token": csrf(page), "label-case_manager": "Case managers",
                                       "new_id": "youth_justice", "new_label": "Youth Justice",
                                       "claim_value": "EH-CM", "claim_group": "case_manager"})
    assert db.session.get(Group, "case_manager").label == "Case managers"  # type: ignore[union-attr]
    assert db.session.get(Group, "youth_justice") is not None
    assert db.session.get(GroupMapping, ("EH-CM", "case_manager")) is not None
    page = client.get("/admin/teams").get_data(as_text=True)
    assert "Casey Manager" in Page(client.get("/admin/teams")).text("table")
    client.post("/admin/teams", data={"csrf_token": csrf(page), "team_id": "south", "name": "South team"})
    assert db.session.get(Team, "south").name == "South team"  # type: ignore[union-attr]


def test_process_owners_see_definitions_but_not_users(client: FlaskClient, people: None) -> None:
    sign_in(client, "owner")
    assert "closure" in Page(client.get("/admin/definitions")).text("table")
    assert client.get("/admin/users").status_code == 404
