"""Access logs and subject access exports for administrators.

Admin pages only: everyone else gets the same 404 as for an unknown page. Every page here that shows
a family or a person writes an access-log entry marked as an administrator read; the collection itself
lives in workflows/read/subject_access.py (no Flask), these views only ask and answer.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from web.access_log import log_more_reads, logs_access
from web.extensions import db
from web.ui.admin.views import only
from web.ui.auth.session import current_actor, signed_in
from web.ui.errors import html_error
from web.ui.privacy import bp
from web.wiring import get_engine
from workflows.access import ADMINS, is_admin, readable_family
from workflows.read.subject_access import (
    SubjectAccessError,
    display_names,
    family_access_log,
    family_exists,
    find_people,
    household,
    subject_access_export,
)

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])
PAGE_SIZE = 50
REF = re.compile(r"^[A-Za-z0-9-]{1,20}$")


def admins_only(mark: Callable[[], tuple[str, str | None] | None]) -> Callable[[F], F]:
    """Admins only (everyone else: 404); the request is access-logged as ``logs_access`` would, with the
    resource read from the query or the form by ``mark``, so refused attempts are logged too."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            marked = mark()
            if marked is not None:
                g.access_log = (marked[0], marked[1][:100] if marked[1] else None)
            if not is_admin(current_actor()):
                abort(404)
            return view(*args, **kwargs)

        return signed_in(wrapper)  # type: ignore[return-value]

    return decorate


def _ref(value: str) -> str:
    return value.strip().upper()


def _search_asked() -> tuple[str, str | None] | None:
    """What a search asked for, for the access log (never the server's log: the search is a POST, so
    names and dates of birth stay out of URLs, request lines and browser history)."""
    form = request.form
    by, ref = form.get("by"), _ref(form.get("family_ref", ""))
    if by == "family" and ref:
        return "family", ref
    if by != "name":
        return None
    born = "-".join(form.get(f"dob-{p}", "").strip() for p in ("year", "month", "day"))
    asked = " ".join(form.get(k, "").strip() for k in ("given_name", "family_name") if form.get(k, "").strip())
    return "person_search", f"{asked}, born {born}"


def _export_asked() -> tuple[str, str | None]:
    asked = [p.strip() for p in request.form.getlist("person_id") if p.strip()]
    return "person", asked[0] if asked else None


@bp.get("/admin/families")
@only(*ADMINS)
def admin_families() -> ResponseReturnValue:
    """Find a family by reference, on the way to its access log. Not logged itself: it shows nothing
    but a redirect to the log, whose reading is logged (and everyone else gets 404 whatever the ref)."""
    if "ref" not in request.args:
        return render_template("ui/privacy/families.html", title="Find a family", errors=[], ref="")
    ref = _ref(request.args["ref"])
    if not ref:
        problem = "Enter a family reference"
    elif REF.match(ref) and family_exists(db.session(), ref):
        return redirect(url_for("privacy.family_access_log", ref=ref))
    else:
        problem = f"No family found with reference {ref}"
    errors = [{"text": problem, "href": "#ref"}]
    return render_template("ui/privacy/families.html", title="Find a family", errors=errors, ref=ref), 400


@bp.get("/admin/families/<ref>/access-log", endpoint="family_access_log")
@logs_access("family", "ref")  # reading who read a family is itself a read of that family, logged
@only(*ADMINS)
def family_access_log_page(ref: str) -> ResponseReturnValue:
    family = readable_family(db.session(), current_actor(), ref)
    if family is None:
        return html_error(404)
    before = request.args.get("before", "")
    entries, older = family_access_log(db.session(), family, before=int(before) if before.isdigit() else None,
                                       limit=PAGE_SIZE)
    names = display_names(db.session(), (e.username for e in entries if e.username))
    return render_template("ui/privacy/access_log.html", title=f"Access log for {family.ref}", family=family,
                           entries=entries, names=names, older=older, paged=before.isdigit())


# -- subject access ---------------------------------------------------------------------------------

def _date_of_birth(args: Any) -> tuple[str, str | None]:
    parts = [args.get(f"dob-{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return "", "Enter a date of birth"
    try:
        day, month, year = (int(p) for p in parts)
        return date(year, month, day).isoformat(), None
    except ValueError:
        return "", "Date of birth must be a real date"


def _search(args: Any) -> tuple[list[dict[str, Any]], list[dict[str, str]], dict[str, Any]]:
    """The people a search finds, the errors of its answers, and the answers to show again."""
    values = {k: args.get(k, "").strip() for k in ("by", "family_ref", "given_name", "family_name",
                                                    "dob-day", "dob-month", "dob-year")}
    errors: list[dict[str, str]] = []
    found: list[dict[str, Any]] = []
    if values["by"] == "family":
        ref = _ref(values["family_ref"])
        people = household(db.session(), ref) if REF.match(ref) else None
        if not ref:
            errors.append({"text": "Enter a family reference", "href": "#family_ref"})
        elif people is None:
            errors.append({"text": f"No family found with reference {ref}", "href": "#family_ref"})
        elif not people:  # a provisional family whose people moved when triage matched it to another
            errors.append({"text": f"No one is recorded in family {ref} now: search by name and date of birth",
                           "href": "#family_ref"})
        else:
            found = [{"person": p, "family_ref": ref} for p in people]
    elif values["by"] == "name":
        born, problem = _date_of_birth(args)
        if not values["family_name"]:
            errors.append({"text": "Enter the family name", "href": "#family_name"})
        if problem:
            errors.append({"text": problem, "href": "#dob-day"})
        if not errors:
            found = [{"person": p, "family_ref": ref}
                     for p, ref in find_people(db.session(), values["family_name"], born, values["given_name"])]
            if not found:
                errors.append({"text": "No one found with that name and date of birth", "href": "#family_name"})
    return found, errors, values


def _subject_access_page(found: list[dict[str, Any]], errors: list[dict[str, str]], values: dict[str, Any],
                         status: int = 200) -> ResponseReturnValue:
    return render_template("ui/privacy/subject_access.html", title="Subject access request", found=found,
                           errors=errors, values=values), status


@bp.get("/admin/subject-access")
@admins_only(lambda: None)
def subject_access() -> ResponseReturnValue:
    """The empty search forms; a search is posted (``subject_access_search``)."""
    return _subject_access_page([], [], _search({})[2])


@bp.post("/admin/subject-access")
@admins_only(_search_asked)  # who searched for what, in the access log, refused searches included
def subject_access_search() -> ResponseReturnValue:
    found, errors, values = _search(request.form)
    return _subject_access_page(found, errors, values, 400 if errors else 200)


@bp.post("/admin/subject-access/export")
@admins_only(_export_asked)  # a refused or mistaken export is logged too, with its answer (404, 400)
def subject_access_export_file() -> ResponseReturnValue:
    person_ids = request.form.getlist("person_id")
    now = get_engine().clock.now()
    actor = current_actor()
    try:
        export = subject_access_export(db.session(), person_ids, now=now, made_by=actor.username)
    except SubjectAccessError as error:
        values = {"by": "", "family_ref": "", "given_name": "", "family_name": ""}
        return _subject_access_page([], [{"text": str(error), "href": "#person_id"}], values, 400)
    ids = export["about"]["person"]["person_ids"]
    g.access_log = ("person", ids[0])
    log_more_reads("person", ids[1:], at=now)  # one entry per record: each record's family log shows the export
    body = json.dumps(export, indent=2, ensure_ascii=False, default=str)
    name = f"subject-access-{ids[0]}-{now.date().isoformat()}.json"
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
