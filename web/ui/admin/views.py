"""Administration: users (groups, teams, password, unlock), groups and their labels, teams, OIDC group
mapping (the process owners' definitions pages are definitions.py). Admin pages are 404 to everyone else.

The reads are workflows/read/people.py, and sign_in_state.py beside these views for
the web's own tables; the writes are workflows/services/users.py and teams.py; these views parse the
form, call and render.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.models import User
from web.extensions import db
from web.ui.admin import bp
from web.ui.admin.sign_in_state import group_mappings, locked_user_ids
from web.ui.auth.passwords import credential_changes, password_problem
from web.ui.auth.session import current_actor, signed_in
from web.ui.auth.store import mapping_changes
from web.wiring import get_engine
from workflows.access import ADMINS
from workflows.read import people
from workflows.services import users
from workflows.services.teams import save_team, team_problems

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])
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


@bp.get("/admin/users")
@only(*ADMINS)
def admin_users() -> ResponseReturnValue:
    listed = people.users_with_memberships(db.session(), limit=LIST_LIMIT)
    locked = locked_user_ids([u.id for u in listed.users], get_engine().clock.now())
    return render_template("ui/admin/users.html", title="Users", users=listed.users, groups=listed.groups,
                           teams=listed.teams, locked=locked)


def _user_form(user: User | None, errors: list[dict[str, str]], values: dict[str, Any],
               status: int = 200) -> ResponseReturnValue:
    all_groups = people.group_choices(db.session())
    all_teams = people.team_choices(db.session(), limit=LIST_LIMIT)
    return render_template("ui/admin/user.html", title=f"Edit {user.username}" if user else "Add a user",
                           user=user, errors=errors, values=values, all_groups=all_groups,
                           all_teams=all_teams), status


def _current_values(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name, "email": user.email or "", "active": user.active,
        "groups": people.group_ids(db.session(), user.id), "teams": people.team_ids(db.session(), user.id),
    }


@bp.get("/admin/users/new")
@only(*ADMINS)
def admin_user_new() -> ResponseReturnValue:
    return _user_form(None, [], {"groups": set(), "teams": set(), "active": True})


@bp.get("/admin/users/<int:user_id>")
@only(*ADMINS)
def admin_user(user_id: int) -> ResponseReturnValue:
    user = db.session.get(User, user_id) or abort(404)
    return _user_form(user, [], _current_values(user))


@bp.post("/admin/users/new")
@bp.post("/admin/users/<int:user_id>")
@only(*ADMINS)
def admin_user_post(user_id: int | None = None) -> ResponseReturnValue:
    user = (db.session.get(User, user_id) or abort(404)) if user_id else None
    form = request.form
    values: dict[str, Any] = {
        "username": form.get("username", "").strip(), "display_name": form.get("display_name", "").strip(),
        "email": form.get("email", "").strip(), "groups": set(form.getlist("groups")),
        "teams": set(form.getlist("teams")), "active": form.get("active") == "true",
    }
    problems = users.user_problems(db.session(), None if user else values["username"], values["display_name"])
    errors = [{"text": text, "href": f"#{field}"} for field, text in problems.items()]
    password = form.get("password", "")
    problem = password_problem(password) if password else None
    if problem:
        errors.append({"text": problem, "href": "#password"})
    if errors:
        return _user_form(user, errors, values, 400)
    now = get_engine().clock.now()
    details = users.UserDetails(display_name=values["display_name"], email=values["email"] or None,
                                active=values["active"], groups=frozenset(values["groups"]),
                                teams=frozenset(values["teams"]))
    user = users.save_user(db.session(), current_actor(), user.id if user else None, values["username"], details,
                           now=now, also=credential_changes(password, unlock=form.get("unlock") == "true", now=now))
    flash(f"Saved {user.username}")
    return redirect(url_for("admin.admin_users"))


@bp.route("/admin/groups", methods=["GET", "POST"])
@only(*ADMINS)
def admin_groups() -> ResponseReturnValue:
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        new_id, new_label = request.form.get("new_id", "").strip(), request.form.get("new_label", "").strip()
        errors = [{"text": text, "href": f"#{field}"} for field, text in users.group_problems(new_id).items()]
        claim, mapped = request.form.get("claim_value", "").strip(), request.form.get("claim_group", "")
        if not errors:
            labels = {key.removeprefix("label-"): value for key, value in request.form.items()
                      if key.startswith("label-")}
            unmap = [(value, group_id) for value, _, group_id in
                     (key.partition("|") for key in request.form.getlist("unmap"))]
            users.save_groups(db.session(), current_actor(), labels, new_id, new_label,
                              also=mapping_changes((claim, mapped) if claim and mapped else None, unmap))
            flash("Groups saved")
            return redirect(url_for("admin.admin_groups"))
    groups = people.groups_with_member_counts(db.session())
    return render_template("ui/admin/groups.html", title="Groups", groups=groups, mappings=group_mappings(),
                           errors=errors), 400 if errors else 200


@bp.route("/admin/teams", methods=["GET", "POST"])
@only(*ADMINS)
def admin_teams() -> ResponseReturnValue:
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        team_id, name = request.form.get("team_id", "").strip(), request.form.get("name", "").strip()
        errors = [{"text": text, "href": f"#{field}"} for field, text in team_problems(team_id).items()]
        if not errors:
            save_team(db.session(), current_actor(), team_id, name or None)
            flash(f"Saved team {team_id}")
            return redirect(url_for("admin.admin_teams"))
    teams, members = people.teams_with_members(db.session(), limit=LIST_LIMIT)
    return render_template("ui/admin/teams.html", title="Teams", teams=teams, members=members,
                           errors=errors), 400 if errors else 200

