"""The Troubled Families team's pages: the audit queue by stage, claim windows (pool, sample, batch and why
each family is or is not claimable), the claim file, and invalidating a claim with a reason.

Only the TF groups and administrators (docs/sources/DESIGN.md's access matrix: families on the TF register); anyone
else gets the same 404 as for an unknown window, and every page is access-logged. Reads share the
engine's indexed inbox queries and the claim file's code (web/claim_file.py, shared with the API); a
claim's invalidation is workflows/services/claims.py, as for the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from engine import queries
from engine.access import may_do
from engine.models import HumanTask, HumanTaskField, TaskStatus
from web.access_log import logs_access
from web.claim_file import claim_file_response
from web.extensions import session as db_session
from web.ui.admin.views import only
from web.ui.auth.session import current_actor, signed_in
from web.ui.case.context import district_label
from web.ui.errors import domain_error_page
from web.ui.tasks.inbox import act_on_task
from web.ui.tf import bp
from web.wiring import get_engine
from workflows.access import TF_READERS, may_manage_claims
from workflows.errors import Conflict, DomainError, Invalid
from workflows.models import Claim, ClaimWindow, Family, Outcome, TfRegister, WindowFamily
from workflows.read.claimability import Facts, Verdict, assess
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
    actor, db, now = current_actor(), db_session(), get_engine().clock.now()
    stage = _stage(request.args.get("stage"))
    query = queries.TaskFilter(bpmn_id=f"audit_stage_{stage}", limit=QUEUE_PAGE, oldest_first=True,
                               cursor=request.args.get("cursor") or None)
    counts = {n: queries.count_tasks(db, actor, queries.TaskFilter(bpmn_id=f"audit_stage_{n}", limit=1), now,
                                     cap=COUNT_CAP) for n in STAGES}
    page = queries.list_tasks(db, actor, query, now)
    refs = sorted({str(t.fields.get("family_ref")) for t in page.items if t.fields.get("family_ref")})
    districts = {ref: district for ref, district in
                 db.execute(select(Family.ref, Family.district).where(Family.ref.in_(refs)))}
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


def _counts(column: Any, *where: Any) -> dict[int, int]:
    rows = db_session().execute(select(column, func.count()).where(*where).group_by(column))
    return {int(key): int(count) for key, count in rows}


@bp.get("/tf/claim-windows")
@signed_in
@logs_access("claim_window_list")
@tf_readers
def tf_claim_windows() -> ResponseReturnValue:
    windows = list(db_session().scalars(select(ClaimWindow).order_by(ClaimWindow.local_cutoff_at.desc(),
                                                                     ClaimWindow.id.desc()).limit(LIST_LIMIT)))
    ids = [w.id for w in windows]
    return render_template(
        "ui/tf/claim_windows.html", title="Claim windows", windows=windows,
        pool=_counts(WindowFamily.window_id, WindowFamily.window_id.in_(ids)),
        sampled=_counts(WindowFamily.window_id, WindowFamily.window_id.in_(ids), WindowFamily.sampled.is_(True)),
        failed=_counts(WindowFamily.window_id, WindowFamily.window_id.in_(ids), WindowFamily.outcome == "failed"),
        claims=_counts(Claim.window_id, Claim.window_id.in_(ids)), limit=LIST_LIMIT,
    )


@dataclass
class PoolRow:
    ref: str
    district: str
    pooled: WindowFamily
    verdict: Verdict
    claim: Claim | None


def _pool_rows(window: ClaimWindow, page: int) -> tuple[list[PoolRow], int]:
    """One page of the pool, by reference, each family with its verdict: a few queries per page, each an
    index lookup on the page's family ids."""
    db = db_session()
    total = int(db.scalar(select(func.count()).where(WindowFamily.window_id == window.id)) or 0)
    rows = db.execute(select(WindowFamily, Family).join(Family, Family.id == WindowFamily.family_id)
                      .where(WindowFamily.window_id == window.id).order_by(Family.ref)
                      .offset((page - 1) * POOL_PAGE).limit(POOL_PAGE)).all()
    ids = [family.id for _, family in rows]
    refs = [family.ref for _, family in rows if family.ref]
    registered = set(db.scalars(select(TfRegister.family_id).where(TfRegister.family_id.in_(ids))))
    outcomes: dict[int, list[Outcome]] = {}
    for o in db.scalars(select(Outcome).where(Outcome.family_id.in_(ids)).order_by(Outcome.id)):
        outcomes.setdefault(o.family_id, []).append(o)
    claims = {c.family_id: c for c in db.scalars(select(Claim).where(Claim.family_id.in_(ids)))}
    names = {wid: name for wid, name in db.execute(select(ClaimWindow.id, ClaimWindow.name).where(
        ClaimWindow.id.in_({c.window_id for c in claims.values()})))}
    # Stage 3 is needed only when Stage 2 refers it: its open task says so.
    stage_3 = set(db.scalars(select(HumanTaskField.value).join(HumanTask, HumanTask.id == HumanTaskField.task_id)
                             .where(HumanTask.instance_id == window.instance_id,
                                    HumanTask.state == TaskStatus.OPEN, HumanTask.bpmn_id == "audit_stage_3",
                                    HumanTaskField.name == "family_ref", HumanTaskField.value.in_(refs))))
    out = []
    for pooled, family in rows:
        claim = claims.get(family.id)
        facts = Facts(window_id=window.id, window_status=window.status, cutoff=window.local_cutoff_at,
                      on_register=family.id in registered, closure_approved_at=family.closure_approved_at,
                      outcomes=outcomes.get(family.id, []), pooled=pooled, claim=claim,
                      claim_window_name=names.get(claim.window_id) if claim else None,
                      open_stage=3 if family.ref in stage_3 else None)
        out.append(PoolRow(ref=family.ref or "", district=district_label(family.district), pooled=pooled,
                           verdict=assess(facts), claim=claim))
    return out, total


def _window_or_404(window_id: int) -> ClaimWindow:
    window = db_session().get(ClaimWindow, window_id)
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
    states = {state: int(n) for state, n in db_session().execute(
        select(Claim.state, func.count()).where(Claim.window_id == window.id).group_by(Claim.state).order_by(
            Claim.state))}
    detail = ", ".join(f"{n} {state}" for state, n in states.items())
    return f"{sum(states.values())} ({detail})" if states else "None yet"


@bp.get("/tf/claim-windows/<int:window_id>")
@signed_in
@logs_access("claim_window", "window_id")
@tf_readers
def tf_claim_window(window_id: int) -> ResponseReturnValue:
    window = _window_or_404(window_id)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = _pool_rows(window, page)
    pages = max(1, -(-total // POOL_PAGE))
    if page > pages:
        abort(404)
    db = db_session()
    batch = db.execute(select(Claim, Family.ref).join(Family, Family.id == Claim.family_id)
                       .where(Claim.window_id == window.id).order_by(Family.ref).limit(LIST_LIMIT)).all()
    actor = current_actor()
    return render_template(
        "ui/tf/claim_window.html", title=window.name, window=window, rows=rows, total=total, page=page,
        pages=pages, page_size=POOL_PAGE, sample=_sample(window), batch=batch, limit=LIST_LIMIT,
        batch_summary=_batch_summary(window),
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
    db = db_session()
    try:
        claim = claims.claim_for_tf_team(db, current_actor(), claim_id)
    except DomainError as error:
        db.rollback()
        return domain_error_page(error)
    ref = db.scalar(select(Family.ref).where(Family.id == claim.family_id))
    window = db.get(ClaimWindow, claim.window_id)
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
        claim = claims.invalidate(db_session(), current_actor(), claim_id, {"reason": reason},
                                  now=get_engine().clock.now())
    except Invalid as error:
        messages = error.details if isinstance(error.details, dict) else {}
        text = " ".join(messages.get("reason", [])) or "Enter the reason the claim is invalid"
        return _claim_page(claim_id, [{"text": text, "href": "#reason"}], reason, 422)
    except Conflict as error:
        db_session().rollback()
        return _claim_page(claim_id, [{"text": f"This claim is {error.details['state']} and cannot be "
                                               "invalidated", "href": "#reason"}], reason, 409)
    except DomainError as error:
        db_session().rollback()
        return domain_error_page(error)
    ref = db_session().scalar(select(Family.ref).where(Family.id == claim.family_id))
    flash(f"Claim for {ref} invalidated")
    return redirect(url_for("tf.tf_claim_window", window_id=claim.window_id) + "#batch")
