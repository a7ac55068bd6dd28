"""The process owners' studio (process owners and administrators; 404 to everyone else): every process
with its versions and the live instances pinned to each, a version's diagram and files, the diff between
two versions in pictures and in words, uploading a bundle, and rolling back to an older version.

The reads are workflows/read/definitions.py; a publish is the engine's deploy, as the API's and the
CLI's are (the same validation, the same change note, the same race answer); these views parse, call and
render.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.definitions import NOTE_LIMIT
from engine.errors import Conflict, DeployRefused, NotFound
from web.extensions import db
from web.ui.admin import bp
from web.ui.admin.views import LIST_LIMIT, only
from web.ui.auth.session import current_actor
from web.wiring import get_engine
from workflows.access import DEFINITION_MANAGERS
from workflows.read import definitions

INT_MAX = 2**31 - 1  # a version number beyond the INTEGER column cannot exist: 404 before the query


def _detail(process_id: str, number: int) -> definitions.VersionDetail:
    if number > INT_MAX:
        abort(404)
    try:
        return definitions.version_detail(db.session(), process_id, number)
    except NotFound:
        abort(404)


def note_problem(note: str) -> str | None:
    if not note:
        return "Enter a change note: what changed and why"
    if len(note) > NOTE_LIMIT:
        return f"The change note must be {NOTE_LIMIT} characters or fewer"
    return None


def problem_text(problem: dict[str, Any]) -> str:
    """One refused deploy's problem as the error summary says it: file, process, element, line, reason
    and what to change."""
    where = [problem.get("file") or "the bundle"]
    if problem.get("process_id"):
        where.append(f"process '{problem['process_id']}'")
    if problem.get("element_id"):
        name = problem.get("element_name")
        where.append(f"element '{name}' ({problem['element_id']})" if name else f"element '{problem['element_id']}'")
    if problem.get("line"):
        where.append(f"line {problem['line']}")
    text = f"{', '.join(where)}: {problem.get('reason', '')}"
    return f"{text}. {problem['fix']}" if problem.get("fix") else text


def _publish(files: dict[str, bytes], note: str) -> tuple[list[Any], list[dict[str, str]]]:
    """The engine's deploy (nothing written when it refuses): what it published, or the errors to show."""
    try:
        return get_engine().deploy(files, current_actor(), note), []
    except DeployRefused as refused:
        return [], [{"text": problem_text(p), "href": "#files"} for p in refused.problems]
    except Conflict as conflict:
        return [], [{"text": f"{conflict} Try again.", "href": "#files"}]


@bp.get("/admin/definitions")
@only(*DEFINITION_MANAGERS)
def admin_definitions() -> ResponseReturnValue:
    processes = definitions.deployed_processes(db.session(), limit=LIST_LIMIT)
    return render_template("ui/admin/definitions.html", title="Process definitions", processes=processes)


@bp.get("/admin/definitions/<process_id>/versions/<int:number>")
@only(*DEFINITION_MANAGERS)
def admin_definition_version(process_id: str, number: int) -> ResponseReturnValue:
    return _version_page(_detail(process_id, number), [], "")


def _version_page(detail: definitions.VersionDetail, errors: list[dict[str, str]], note: str,
                  status: int = 200) -> ResponseReturnValue:
    live = definitions.live_counts(db.session(), detail.process_id, detail.version.number)
    diagram = {"url": url_for("admin.admin_definition_file", process_id=detail.process_id,
                              number=detail.version.number, name=detail.diagram_file) if detail.diagram_file else None,
               "live": live}
    title = f"Version {detail.version.number} of {detail.name or detail.process_id}"
    return render_template("ui/admin/definition_version.html", title=title, detail=detail, diagram=diagram,
                           live=live, errors=errors, note=note, note_limit=NOTE_LIMIT), status


@bp.get("/admin/definitions/<process_id>/versions/<int:number>/files/<name>")
@only(*DEFINITION_MANAGERS)
def admin_definition_file(process_id: str, number: int, name: str) -> ResponseReturnValue:
    text = _detail(process_id, number).files.get(name)
    if text is None:
        abort(404)
    response = Response(text.encode("utf-8"), mimetype="application/xml")
    if request.args.get("download") == "1":
        response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


@bp.post("/admin/definitions/<process_id>/versions/<int:number>/rollback")
@only(*DEFINITION_MANAGERS)
def admin_definition_rollback(process_id: str, number: int) -> ResponseReturnValue:
    detail = _detail(process_id, number)
    note = request.form.get("note", "").strip()
    problem = note_problem(note)
    if problem:
        return _version_page(detail, [{"text": problem, "href": "#note"}], note, 400)
    deployed, errors = _publish(definitions.rollback_files(db.session(), process_id, number), note)
    if errors:
        return _version_page(detail, errors, note, 400)
    made = next((d for d in deployed if d.process_id == process_id and d.created), None)
    if made is None:
        flash(f"Version {number} is already the current content: nothing was published")
        return redirect(url_for("admin.admin_definition_version", process_id=process_id, number=number))
    also = [f"{d.process_id} version {d.version}" for d in deployed if d.created and d.process_id != process_id]
    flash(f"Version {made.version} of {process_id} is now current, with the content of version {number}"
          + (f" (also published from the same file: {', '.join(also)})" if also else ""))
    return redirect(url_for("admin.admin_definition_version", process_id=process_id, number=made.version))


@bp.get("/admin/definitions/<process_id>/diff")
@only(*DEFINITION_MANAGERS)
def admin_definition_diff(process_id: str) -> ResponseReturnValue:
    numbers = definitions.version_numbers(db.session(), process_id)  # not every process's live counts
    if not numbers:
        abort(404)
    old, new = _number(request.args.get("from"), numbers, 1), _number(request.args.get("to"), numbers, 0)
    before, after = _detail(process_id, old), _detail(process_id, new)
    changes = definitions.version_changes(db.session(), process_id, old, new)
    diagrams = {"old": _file_url(before), "new": _file_url(after)}
    return render_template("ui/admin/definition_diff.html", title=f"Version {old} to version {new} of {process_id}",
                           process_id=process_id, numbers=numbers, before=before, after=after, changes=changes,
                           diagrams=diagrams)


def _number(value: str | None, numbers: list[int], fallback: int) -> int:
    """The chosen version; none or an unknown one is the newest (to) or the one before it (from)."""
    if value and value.isdigit() and int(value) in numbers:
        return int(value)
    return numbers[min(fallback, len(numbers) - 1)]


def _file_url(detail: definitions.VersionDetail) -> str | None:
    if detail.diagram_file is None:
        return None
    return url_for("admin.admin_definition_file", process_id=detail.process_id, number=detail.version.number,
                   name=detail.diagram_file)


@bp.route("/admin/definitions/upload", methods=["GET", "POST"])
@only(*DEFINITION_MANAGERS)
def admin_definition_upload() -> ResponseReturnValue:
    errors: list[dict[str, str]] = []
    note = request.form.get("note", "").strip()
    if request.method == "POST":
        files: dict[str, bytes] = {}
        for upload in request.files.getlist("files"):
            name = (upload.filename or "").rsplit("/", 1)[-1]
            if name:
                files[name] = upload.read()
        if not files:
            errors.append({"text": "Select at least one .bpmn or .dmn file", "href": "#files"})
        problem = note_problem(note)
        if problem:
            errors.append({"text": problem, "href": "#note"})
        if not errors:
            deployed, errors = _publish(files, note)
        if not errors:
            made = [d for d in deployed if d.created]
            flash("Published " + ", ".join(f"{d.process_id} version {d.version}" for d in made) if made
                  else "Every process in those files is already its current version: nothing was published")
            return redirect(url_for("admin.admin_definitions"))
    return render_template("ui/admin/definition_upload.html", title="Upload process definitions", errors=errors,
                           note=note, note_limit=NOTE_LIMIT), 400 if errors else 200
