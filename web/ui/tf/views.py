"""The Troubled Families team's pages: the audit queue by stage, claim windows (pool, sample, batch and why
each family is or is not claimable), the claim file, and invalidating a claim with a reason.

Only the TF groups and administrators (docs/sources/DESIGN.md's access matrix: families on the TF register); anyone
else gets the same 404 as for an unknown window, and every page is access-logged. Reads are the
engine's indexed inbox queries, workflows/read/claim_windows.py and the claim file's code (web/claim_file.py,
shared with the API); a claim's invalidation is workflows/services/claims.py, as for the API.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine import queries
from engine.access import may_do
from web.access_log import logs_access, shows_families
from web.claim_file import claim_file_response
from web.extensions import db
from web.ui.admin.views import only
from web.ui.auth.session import current_actor, signed_in
from web.ui.case.context import district_label
from web.ui.errors import domain_error_page
from web.ui.tasks.inbox import act_on_task
from web.ui.tf import bp
from web.wiring import get_engine
from workflows.access import TF_READERS, may_manage_claims
from workflows.errors import Conflict, DomainError, Invalid
from workflows.models import ClaimWindow
from workflows.read import claim_windows as read
from workflows.rules import redraw_audit_sample
from workflows.services import claims
from workflows.services.claims import INVALIDATABLE

STAGES = {1: "Stage 1", 2: "Stage 2", 3: "Stage 3"}
QUEUE_PAGE = 25
POOL_PAGE = 50
LIST_LIMIT = 200
COUNT_CAP = 1000


# The TF groups and administrators (``workflows.access.is_tf_reader``, as the API); anyone else the same
# 404 as an unknown window, logged first.
tf_readers = only(*TF_READERS)


def case_url(ref: str | None) -> str | None:
    return url_for("case.case", ref=ref) if ref else None


# -- the audit queue ---------------------------------------------------------------------------------


def _stage(value: str | None) -> int:
    return int(value) if value in ("1", "2", "3") else 1


@bp.get("/tf/audits")
@signed_in
@logs_access("task_list")
@tf_readers
def tf_audits() -> ResponseReturnValue:
    actor, now = current_actor(), get_engine().clock.now()
    stage = _stage(request.args.get("stage"))
    query = queries.TaskFilter(bpmn_id=f"audit_stage_{stage}", limit=QUEUE_PAGE, oldest_first=True,
                               cursor=request.args.get("cursor") or None)
    counts = {n: queries.count_tasks(db.session(), actor, queries.TaskFilter(bpmn_id=f"audit_stage_{n}", limit=1), now,
                                     cap=COUNT_CAP) for n in STAGES}
    page = queries.list_tasks(db.session(), actor, query, now)
    refs = sorted({str(t.fields.get("family_ref")) for t in page.items if t.fields.get("family_ref")})
    districts = read.family_districts(db.session(), refs)
    shows_families(refs)
    return render_template(
        "ui/tf/audits.html", title=f"Audit queue: {STAGES[stage]}", stage=stage, stages=STAGES, counts=counts,
        cap=COUNT_CAP, page=page, now=now, actor=actor, districts=districts, district_label=district_label,
        may_claim=lambda t: t.assignee is None and may_do(actor, t),
        next_url=url_for("tf.tf_audits", stage=stage, cursor=page.next) if page.next else None,
        first_url=url_for("tf.tf_audits", stage=stage) if query.cursor else None, case_url=case_url,
    )


@bp.post("/tf/audits")
@signed_in
@logs_access("task_list")
@tf_readers
def tf_audits_post() -> ResponseReturnValue:
    """Claim or release from the queue: the inbox's own action, back to the same stage."""
    verb, _, task_id = request.form.get("action", "").partition(":")
    if verb in ("claim", "unclaim") and act_on_task("Could not update the task", verb, task_id, current_actor()):
        flash("Task claimed: it is now in your tasks" if verb == "claim" else "Task released")
    return redirect(url_for("tf.tf_audits", stage=_stage(request.form.get("stage"))))


# -- claim windows -----------------------------------------------------------------------------------


@bp.get("/tf/claim-windows")
@signed_in
@logs_access("claim_window_list")
@tf_readers
def tf_claim_windows() -> ResponseReturnValue:
    windows = read.windows(db.session(), limit=LIST_LIMIT, newest_first=True)
    counts = read.window_counts(db.session(), [w.id for w in windows])
    return render_template(
        "ui/tf/claim_windows.html", title="Claim windows", windows=windows, pool=counts.pool,
        sampled=counts.sampled, failed=counts.failed, claims=counts.claims, limit=LIST_LIMIT,
    )


def _window_or_404(window_id: int) -> ClaimWindow:
    window = read.claim_window(db.session(), window_id)
    if window is None:
        abort(404)
    return window


def _sample(window: ClaimWindow) -> dict[str, Any] | None:
    """The recorded draw, and whether drawing it again from its seed gives the same picks."""
    sample = window.sample
    if not sample:
        return None
    try:
        again = redraw_audit_sample(list(sample["pool"]), str(sample["seed"]))
    except (KeyError, ValueError):
        again = None
    return {**sample, "reproduced": again == sample.get("picks")}


def _batch_summary(window: ClaimWindow) -> str:
    """``3 (2 submitted, 1 invalidated)``: every claim of the window counted by state."""
    states = read.batch_states(db.session(), window.id)
    detail = ", ".join(f"{n} {state}" for state, n in states.items())
    return f"{sum(states.values())} ({detail})" if states else "None yet"


@bp.get("/tf/claim-windows/<int:window_id>")
@signed_in
@logs_access("claim_window", "window_id")
@tf_readers
def tf_claim_window(window_id: int) -> ResponseReturnValue:
    window = _window_or_404(window_id)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = read.pool_page(db.session(), window, page, POOL_PAGE)
    pages = max(1, -(-total // POOL_PAGE))
    if page > pages:
        abort(404)
    batch = read.batch_with_refs(db.session(), window.id, limit=LIST_LIMIT)
    shows_families([*(row.ref for row in rows), *(ref for _, ref in batch)])
    actor = current_actor()
    return render_template(
        "ui/tf/claim_window.html", title=window.name, window=window, rows=rows, total=total, page=page,
        pages=pages, page_size=POOL_PAGE, sample=_sample(window), batch=batch, limit=LIST_LIMIT,
        batch_summary=_batch_summary(window), district_label=district_label,
        may_invalidate=may_manage_claims(actor), invalidatable=INVALIDATABLE,
        case_url=case_url, page_url=lambda n: url_for("tf.tf_claim_window", window_id=window.id, page=n),
    )


@bp.get("/tf/claim-windows/<int:window_id>/claim-file.<extension>")
@signed_in
@logs_access("claim_file", "window_id")
@tf_readers
def tf_claim_file(window_id: int, extension: str) -> ResponseReturnValue:
    if extension not in ("csv", "xlsx"):
        abort(404)
    return claim_file_response(_window_or_404(window_id), extension)


# -- invalidating a claim ----------------------------------------------------------------------------


def _claim_page(claim_id: int, errors: list[dict[str, str]], reason: str, status: int = 200) -> ResponseReturnValue:
    try:
        claim = claims.claim_for_tf_team(db.session(), current_actor(), claim_id)
    except DomainError as error:
        db.session.rollback()
        return domain_error_page(error)
    ref = read.family_ref(db.session(), claim.family_id)
    window = read.claim_window(db.session(), claim.window_id)
    return render_template("ui/tf/invalidate.html", title="Invalidate a claim", claim=claim, ref=ref,
                           window=window, errors=errors, reason=reason, invalidatable=INVALIDATABLE,
                           case_url=case_url), status


@bp.get("/tf/claims/<int:claim_id>/invalidate")
@signed_in
@logs_access("claim", "claim_id")
@tf_readers
def tf_invalidate_claim(claim_id: int) -> ResponseReturnValue:
    return _claim_page(claim_id, [], "")


@bp.post("/tf/claims/<int:claim_id>/invalidate")
@signed_in
@logs_access("claim", "claim_id")
@tf_readers
def tf_invalidate_claim_post(claim_id: int) -> ResponseReturnValue:
    """The API's operation: the same checks, validation and write (workflows/services/claims.py). Nothing is
    written on bad input; the error is the schema's own message, beside the field and in the summary."""
    reason = request.form.get("reason", "")
    try:
        claim = claims.invalidate(db.session(), current_actor(), claim_id, {"reason": reason},
                                  now=get_engine().clock.now())
    except Invalid as error:
        messages = error.details if isinstance(error.details, dict) else {}
        text = " ".join(messages.get("reason", [])) or "Enter the reason the claim is invalid"
        return _claim_page(claim_id, [{"text": text, "href": "#reason"}], reason, 422)
    except Conflict as error:
        db.session.rollback()
        return _claim_page(claim_id, [{"text": f"This claim is {error.details['state']} and cannot be "
                                               "invalidated", "href": "#reason"}], reason, 409)
    except DomainError as error:
        db.session.rollback()
        return domain_error_page(error)
    ref = read.family_ref(db.session(), claim.family_id)
    flash(f"Claim for {ref} invalidated")
    return redirect(url_for("tf.tf_claim_window", window_id=claim.window_id) + "#batch")
