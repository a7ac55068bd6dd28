"""The task inbox: tabs with counts, filters, sort, cursor pages, claim/release, bulk claim and reassign.

Every read goes through engine.queries (indexed, keyset-paginated, access rules in SQL).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine import queries
from engine.access import Actor, may_do, may_release
from engine.errors import Conflict, EngineError, Forbidden, Invalid, NotFound
from forms.choices import DISTRICTS
from web.access_log import logs_access, shows_families
from web.extensions import db
from web.ui.auth.session import current_actor, signed_in
from web.ui.case.context import district_label
from web.ui.tasks import bp
from web.ui.tasks.task_types import task_types
from web.wiring import get_engine
from workflows.access import Role
from workflows.read.choices import group_choices, team_members
from workflows.services.reassign import reassign

PAGE_SIZE = 25
COUNT_CAP = 1000
TABS = {"mine": "My tasks", "available": "Tasks I can pick up", "overdue": "Overdue", "team": "My team's tasks"}
FILTER_KEYS = ("group", "district", "type", "due", "sort")


def _is_manager(actor: Actor) -> bool:
    return Role.TEAM_MANAGER in actor.groups and bool(actor.teams)


def _filter(actor: Actor, tab: str, args: dict[str, str]) -> queries.TaskFilter:
    base = queries.TaskFilter(
        group=args.get("group") or None, bpmn_id=args.get("type") or None,
        fields={"district": args["district"]} if args.get("district") else {},
        overdue={"overdue": True, "not_overdue": False}.get(args.get("due", "")),
        oldest_first=args.get("sort") == "oldest", limit=PAGE_SIZE,
    )
    if tab == "mine":
        return replace(base, assignee=actor.username)
    if tab == "available":
        return replace(base, claimable=True)
    if tab == "team":
        return replace(base, team=args.get("team") or sorted(actor.teams)[0])
    return replace(base, overdue=True)


def options(items: list[tuple[str, str]] | tuple[tuple[str, str], ...], current: str | None,
            blank: str) -> list[dict[str, object]]:
    """govukSelect items with a blank first choice."""
    return [{"value": "", "text": blank, "selected": not current},
            *({"value": value, "text": text, "selected": value == current} for value, text in items)]


def _first_with_work(tabs: list[str], counts: dict[str, int]) -> str:
    """Arriving without a tab: one's own tasks, else those one can pick up, else the team's."""
    return next((t for t in ("mine", "available", "team") if t in tabs and counts[t]), "mine")


@bp.get("/inbox")
@signed_in
@logs_access("task_list")
def inbox() -> ResponseReturnValue:
    actor = current_actor()
    tabs = [t for t in TABS if t != "team" or _is_manager(actor)]
    args = {k: request.args.get(k, "") for k in (*FILTER_KEYS, "team")}
    now = get_engine().clock.now()
    counts = {t: queries.count_tasks(db.session(), actor, replace(_filter(actor, t, args), limit=1), now,
                                     cap=COUNT_CAP) for t in tabs}
    tab = request.args.get("tab") or _first_with_work(tabs, counts)
    if tab not in tabs:
        tab = "mine"
    cursor = request.args.get("cursor") or None
    page = queries.list_tasks(db.session(), actor, replace(_filter(actor, tab, args), cursor=cursor), now)
    shows_families(task.fields.get("family_ref") for task in page.items)
    filters: dict[str, Any] = {k: v for k, v in args.items() if v}
    groups = group_choices(db.session(), actor)
    return render_template(
        "ui/inbox.html", title=TABS[tab], tab=tab, tabs=[(t, TABS[t], counts[t]) for t in tabs],
        cap=COUNT_CAP, page=page, now=now, actor=actor, filters=filters,
        tab_url=lambda t: url_for("tasks.inbox", tab=t, **filters),
        next_url=url_for("tasks.inbox", tab=tab, cursor=page.next, **filters) if page.next else None,
        first_url=url_for("tasks.inbox", tab=tab, **filters) if cursor else None,
        groups=groups, districts=DISTRICTS, types=task_types(db.session()), district_label=district_label,
        manager=_is_manager(actor), members=team_members(db.session(), actor.teams) if _is_manager(actor) else [],
        may_do=lambda task: may_do(actor, task), may_release=lambda task: may_release(actor, task),
        teams=sorted(actor.teams), options=options,
        team_options=[(team, team) for team in sorted(actor.teams)],
    )


def act_on_task(label: str, action: str, task_id: str, actor: Actor, to: str | None = None) -> bool:
    """Claim, release or assign from a list; a refusal is flashed under ``label`` and the list shown again."""
    engine = get_engine()
    try:
        if action == "claim":
            engine.claim(task_id, actor)
        elif action == "unclaim":
            engine.unclaim(task_id, actor)
        else:
            reassign(engine, actor, task_id, to or "")
        return True
    except (Conflict, Forbidden, Invalid, NotFound) as error:
        flash(f"{label}: {error.message}")
        return False
    except EngineError:
        raise


@bp.post("/inbox")
@signed_in
@logs_access("task_list")
def inbox_post() -> ResponseReturnValue:
    actor = current_actor()
    action = request.form.get("action", "")
    selected = request.form.getlist("task")
    back = request.form.get("return_to", "")
    back_url = url_for("tasks.inbox") + ("?" + urlencode(_safe_query(back)) if back else "")
    if action.startswith(("claim:", "unclaim:")):
        verb, _, task_id = action.partition(":")
        if act_on_task("Could not update the task", verb, task_id, actor):
            flash("Task claimed: it is now in your tasks" if verb == "claim" else "Task released")
    elif action in ("bulk-claim", "assign"):
        if not selected:
            flash("Select one or more tasks first")
            return redirect(back_url)
        to = request.form.get("assignee") or None
        if action == "assign" and not to:
            flash("Select who to assign the tasks to")
            return redirect(back_url)
        done = sum(act_on_task("Could not update a task", "claim" if action == "bulk-claim" else "assign", task_id,
                        actor, to) for task_id in selected[:queries.MAX_PAGE])
        outcome = "claimed" if action == "bulk-claim" else f"assigned to {to}"
        flash(f"{done} task{'s' if done != 1 else ''} {outcome}")
    return redirect(back_url)


def _safe_query(query: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return {k: v for k, v in parse_qsl(query) if k in (*FILTER_KEYS, "tab", "team", "cursor")}
