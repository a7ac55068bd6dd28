"""Administration: users (groups, teams, password, unlock), groups and their labels, teams, OIDC group
mapping; and the deployed definitions for process owners. Admin pages are 404 to everyone else."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import delete, func, select

from engine.identity import create_user, ensure_group, ensure_team
from engine.models import DefinitionProcess, DefinitionVersion, Group, GroupMember, Team, TeamMember, User
from web.extensions import db
from web.extensions import session as db_session
from web.ui import ui
from web.ui.models import GroupMapping, LoginState
from web.ui.passwords import password_problem, set_password
from web.ui.session import current_actor, signed_in
from web.wiring import get_engine
from workflows.access import ADMINS, DEFINITION_MANAGERS

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_.-]{1,99}$")
LIST_LIMIT = 500


def only(*groups: str) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            if not set(groups) & current_actor().groups:
                abort(404)  # the access matrix: anything else is not found, so nothing leaks
            return view(*args, **kwargs)

        return signed_in(wrapper)  # type: ignore[return-value]

    return decorate


@ui.get("/admin/users")
@only(*ADMINS)
def admin_users() -> ResponseReturnValue:
    users = db.session.scalars(select(User).order_by(User.username).limit(LIST_LIMIT)).all()
    ids = [u.id for u in users]
    groups: dict[int, list[str]] = {}
    for user_id, label in db.session.execute(select(GroupMember.user_id, Group.label).join(Group).where(
            GroupMember.user_id.in_(ids)).order_by(Group.label)):
        groups.setdefault(user_id, []).append(label)
    teams: dict[int, list[str]] = {}
    for user_id, name in db.session.execute(select(TeamMember.user_id, Team.name).join(Team).where(
            TeamMember.user_id.in_(ids)).order_by(Team.name)):
        teams.setdefault(user_id, []).append(name)
    locked = {s.user_id for s in db.session.scalars(select(LoginState).where(
        LoginState.user_id.in_(ids), LoginState.locked_until > get_engine().clock.now()))}
    return render_template("ui/admin/users.html", title="Users", users=users, groups=groups, teams=teams,
                           locked=locked)


def _user_form(user: User | None, errors: list[dict[str, str]], values: dict[str, Any],
               status: int = 200) -> ResponseReturnValue:
    all_groups = db.session.execute(select(Group.id, Group.label).order_by(Group.label)).all()
    all_teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name).limit(LIST_LIMIT)).all()
    return render_template("ui/admin/user.html", title=f"Edit {user.username}" if user else "Add a user",
                           user=user, errors=errors, values=values, all_groups=all_groups,
                           all_teams=all_teams), status


def _current_values(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name, "email": user.email or "", "active": user.active,
        "groups": set(db.session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user.id))),
        "teams": set(db.session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user.id))),
    }


@ui.get("/admin/users/new")
@only(*ADMINS)
def admin_user_new() -> ResponseReturnValue:
    return _user_form(None, [], {"groups": set(), "teams": set(), "active": True})


@ui.get("/admin/users/<int:user_id>")
@only(*ADMINS)
def admin_user(user_id: int) -> ResponseReturnValue:
    user = db.session.get(User, user_id) or abort(404)
    return _user_form(user, [], _current_values(user))


@ui.post("/admin/users/new")
@ui.post("/admin/users/<int:user_id>")
@only(*ADMINS)
def admin_user_post(user_id: int | None = None) -> ResponseReturnValue:
    user = (db.session.get(User, user_id) or abort(404)) if user_id else None
    form = request.form
    values: dict[str, Any] = {
        "username": form.get("username", "").strip(), "display_name": form.get("display_name", "").strip(),
        "email": form.get("email", "").strip(), "groups": set(form.getlist("groups")),
        "teams": set(form.getlist("teams")), "active": form.get("active") == "true",
    }
    errors = []
    if user is None and not IDENTIFIER.match(values["username"]):
        errors.append({"text": "Enter a username of 2 to 100 lower-case letters, digits, dots, dashes or underscores",
                       "href": "#username"})
    elif user is None and db.session.scalar(select(User.id).where(User.username == values["username"])):
        errors.append({"text": "A user with this username already exists", "href": "#username"})
    if not values["display_name"]:
        errors.append({"text": "Enter the person's name", "href": "#display_name"})
    password = form.get("password", "")
    problem = password_problem(password) if password else None
    if problem:
        errors.append({"text": problem, "href": "#password"})
    if errors:
        return _user_form(user, errors, values, 400)
    now = get_engine().clock.now()
    if user is None:
        user = create_user(db_session(), values["username"], groups=sorted(values["groups"]),
                           teams=sorted(values["teams"]), now=now, display_name=values["display_name"])
    else:
        db.session.execute(delete(GroupMember).where(GroupMember.user_id == user.id))
        db.session.execute(delete(TeamMember).where(TeamMember.user_id == user.id))
        db.session.flush()
        for group_id in sorted(values["groups"]):
            db.session.add(GroupMember(user_id=user.id, group_id=ensure_group(db_session(), group_id).id))
        for team_id in sorted(values["teams"]):
            db.session.add(TeamMember(user_id=user.id, team_id=ensure_team(db_session(), team_id).id))
    user.display_name = values["display_name"]
    user.email = values["email"] or None
    user.active = values["active"]
    if password:
        set_password(db_session(), user, password, now=get_engine().clock.now())
    if form.get("unlock") == "true":
        state = db.session.get(LoginState, user.id)
        if state is not None:
            state.locked_until, state.failed_count = None, 0
    db.session.commit()
    flash(f"Saved {user.username}")
    return redirect(url_for("ui.admin_users"))


@ui.route("/admin/groups", methods=["GET", "POST"])
@only(*ADMINS)
def admin_groups() -> ResponseReturnValue:
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        new_id, new_label = request.form.get("new_id", "").strip(), request.form.get("new_label", "").strip()
        if new_id and not IDENTIFIER.match(new_id):
            errors.append({"text": "Enter a group id of lower-case letters, digits and underscores", "href": "#new_id"})
        claim, mapped = request.form.get("claim_value", "").strip(), request.form.get("claim_group", "")
        if not errors:
            for group in db.session.scalars(select(Group)):
                label = request.form.get(f"label-{group.id}", "").strip()
                if label:
                    group.label = label[:255]
            if new_id:
                ensure_group(db_session(), new_id, new_label or None)
            if claim and mapped:
                db.session.merge(GroupMapping(claim_value=claim[:255], group_id=mapped))
            for key in request.form.getlist("unmap"):
                value, _, group_id = key.partition("|")
                db.session.execute(delete(GroupMapping).where(GroupMapping.claim_value == value,
                                                              GroupMapping.group_id == group_id))
            db.session.commit()
            flash("Groups saved")
            return redirect(url_for("ui.admin_groups"))
    groups = db.session.execute(select(Group, func.count(GroupMember.user_id)).outerjoin(GroupMember)
                                .group_by(Group.id).order_by(Group.id)).all()
    mappings = db.session.scalars(select(GroupMapping).order_by(GroupMapping.claim_value)).all()
    return render_template("ui/admin/groups.html", title="Groups", groups=groups, mappings=mappings,
                           errors=errors), 400 if errors else 200


@ui.route("/admin/teams", methods=["GET", "POST"])
@only(*ADMINS)
def admin_teams() -> ResponseReturnValue:
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        team_id, name = request.form.get("team_id", "").strip(), request.form.get("name", "").strip()
        if not IDENTIFIER.match(team_id):
            errors.append({"text": "Enter a team id of lower-case letters, digits, dashes and underscores",
                           "href": "#team_id"})
        else:
            ensure_team(db_session(), team_id, name or None)
            db.session.commit()
            flash(f"Saved team {team_id}")
            return redirect(url_for("ui.admin_teams"))
    teams = db.session.scalars(select(Team).order_by(Team.name).limit(LIST_LIMIT)).all()
    members: dict[str, list[User]] = {}
    for team_id, user in db.session.execute(select(TeamMember.team_id, User).join(User).where(
            TeamMember.team_id.in_([t.id for t in teams])).order_by(User.display_name)):
        members.setdefault(team_id, []).append(user)
    return render_template("ui/admin/teams.html", title="Teams", teams=teams, members=members,
                           errors=errors), 400 if errors else 200


@ui.get("/admin/definitions")
@only(*DEFINITION_MANAGERS)
def admin_definitions() -> ResponseReturnValue:
    rows = db.session.execute(
        select(DefinitionProcess.process_id, DefinitionProcess.name, DefinitionVersion.version,
               DefinitionVersion.deployed_by, DefinitionVersion.deployed_at)
        .join(DefinitionVersion, DefinitionVersion.id == DefinitionProcess.version_id)
        .order_by(DefinitionProcess.process_id, DefinitionVersion.version.desc()).limit(LIST_LIMIT)).all()
    return render_template("ui/admin/definitions.html", title="Process definitions", rows=rows)
