"""A task's page: the case beside the form; drafts on every submit; completing shows the next task."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine import queries
from engine.access import Actor, may_do, may_reassign, may_see
from engine.errors import Invalid
from engine.identity import actor_for
from engine.models import HumanTask, TaskStatus, User
from web.access_log import logs_access
from web.extensions import db
from web.ui.auth.session import current_actor, sign_in_url, signed_in
from web.ui.case.context import build, household_choices
from web.ui.forms_controls import build_controls, summary
from web.ui.forms_render import add_row, answers_from, collect, error_ids, normalise, remove_row
from web.ui.tasks import bp, drafts
from web.wiring import get_engine
from workflows.access import readable_family
from workflows.read.choices import case_managers, team_case_managers, team_choices
from workflows.read.family_view import match_summaries
from workflows.read.returns import DECIDED_BY, RETURNED_BY, returns


def _choices(data: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """The allocating team (the family's case management's) offers only itself and its case managers."""
    team = data.get("team")
    if isinstance(team, str) and team:
        return {"household": household_choices(data), "case_managers": team_case_managers(db.session(), team),
                "teams": [t for t in team_choices(db.session()) if t[0] == team]}
    return {"household": household_choices(data), "case_managers": case_managers(db.session()),
            "teams": team_choices(db.session())}


def _page(task: HumanTask, answers: dict[str, list[str]], messages: Any = None, status: int = 200,
          saved_at: Any = None, prefill: bool = False) -> ResponseReturnValue:
    engine = get_engine()
    actor = current_actor()
    data = engine.task_data(task)
    specs = engine.forms.fields(task.form_key) if task.form_key else []
    errors = error_ids(messages) if messages else {}
    approval = RETURNED_BY.get(task.form_key or "") or DECIDED_BY.get(task.form_key or "")
    history = returns(db.session(), task.instance_id, approval) if approval else []
    # A returned task opened afresh (no draft) starts from the answers given before the return.
    earlier = data.get(task.form_key or "")
    prefilled = False
    if (prefill and not answers and history and task.form_key in RETURNED_BY and task.state == TaskStatus.OPEN
            and isinstance(earlier, dict)):
        answers, prefilled = answers_from(specs, earlier), True
    controls = build_controls(specs, answers, errors, _choices(data))
    title = engine.forms.title(task.form_key) if task.form_key else task.name
    case = build(data, task.fields or {})
    matches = match_summaries(db.session(), case.possible_matches) if task.form_key == "triage" else []
    return render_template(
        "ui/task.html", task=task, title=task.name, form_title=title, controls=controls,
        errors=summary(controls, errors) if messages else [], case=case,
        case_url=_case_url(actor, case.family_ref),
        may_do=task.state == TaskStatus.OPEN and may_do(actor, task)
        and task.assignee in (None, actor.username), saved_at=saved_at,
        may_reassign=may_reassign(actor, task), now=engine.clock.now(), matches=matches,
        show_referral=task.form_key == "triage", show_closure=task.form_key == "closure_approval",
        show_returned=task.form_key == "closure_summary" and task.state == TaskStatus.OPEN,
        returns=history, prefilled=prefilled,
    ), status


@bp.get("/tasks/<task_id>")
@signed_in
@logs_access("task", "task_id")
def task(task_id: str) -> ResponseReturnValue:
    row = queries.get_task(db.session(), current_actor(), task_id)
    answers, saved_at = drafts.load(db.session(), g.user.id, task_id)
    return _page(row, answers, saved_at=saved_at, prefill=True)


def _keep_expired_answers(task_id: str) -> ResponseReturnValue:
    """An expired session's post is never acted on; its answers become that person's draft."""
    user = db.session.get(User, g.expired_user_id)
    row = db.session.get(HumanTask, task_id)
    if user is not None and row is not None and may_see(actor_for(db.session(), user), row):
        answers = drafts.posted_answers(request.form.to_dict(flat=False))
        drafts.save(db.session(), user.id, task_id, answers, get_engine().clock.now())
    return redirect(sign_in_url(url_for("tasks.task", task_id=task_id), timeout="1"))


@bp.post("/tasks/<task_id>")
@logs_access("task", "task_id")
def task_post(task_id: str) -> ResponseReturnValue:
    if g.get("user") is None:
        if g.get("expired_user_id"):
            return _keep_expired_answers(task_id)
        return redirect(sign_in_url(url_for("tasks.task", task_id=task_id)))
    actor = current_actor()
    engine = get_engine()
    # One who opened it while it was free may have lost it since: their answers are still kept.
    row = queries.get_actionable_task(db.session(), actor, task_id)
    specs = engine.forms.fields(row.form_key) if row.form_key else []
    answers = drafts.posted_answers(request.form.to_dict(flat=False))
    action = request.form.get("action", "continue")
    now = engine.clock.now()
    if action.startswith("add:"):
        answers = add_row(answers, action[4:])
    elif action.startswith("remove:"):
        name, _, index = action[7:].rpartition(":")
        answers = remove_row(answers, name, int(index) if index.isdigit() else 0)
    else:
        answers = normalise(specs, answers)
    drafts.save(db.session(), g.user.id, task_id, answers, now)  # before anything else: nothing is lost
    if action.startswith(("add:", "remove:")):
        return redirect(url_for("tasks.task", task_id=task_id) + f"#{action.split(':')[1]}")
    if action == "save":
        flash("Your answers have been saved. You can come back to this task from your tasks.")
        return redirect(url_for("tasks.inbox"))
    instance_id = row.instance_id
    try:
        engine.complete(task_id, collect(specs, answers), actor)
    except Invalid as error:
        row = queries.get_task(db.session(), actor, task_id)
        return _page(row, answers, error.details or {"_schema": [error.message]}, 400)
    drafts.discard(db.session(), g.user.id, task_id)
    flash(f"Task completed: {row.name}")
    return redirect(_next_task_url(actor, instance_id))


def _case_url(actor: Actor, family_ref: str | None) -> str | None:
    """A link to the family's case page, only for someone who may read it (else it would be a 404)."""
    if readable_family(db.session(), actor, family_ref) is None:
        return None
    return url_for("case.case", ref=family_ref)


def _next_task_url(actor: Actor, instance_id: int) -> str:
    """The same family's next task for this person first, then their oldest own task, else the inbox."""
    now = get_engine().clock.now()
    for query in (queries.TaskFilter(instance_id=instance_id, assignee=actor.username, limit=1),
                  queries.TaskFilter(instance_id=instance_id, claimable=True, limit=1),
                  queries.TaskFilter(assignee=actor.username, oldest_first=True, limit=1)):
        page = queries.list_tasks(db.session(), actor, query, now)
        if page.items:
            return url_for("tasks.task", task_id=page.items[0].id)
    return url_for("tasks.inbox")
