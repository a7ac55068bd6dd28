"""Publishing BPMN/DMN bundles, reading each process's versions, and how many live instances wait where
(process owners and administrators)."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.typing import ResponseReturnValue

from engine.access import Actor
from engine.definitions import NOTE_LIMIT
from engine.errors import Forbidden, NotFound
from engine.live_counts import live_counts
from engine.queries import process_version, process_versions
from web.api import api, query_args
from web.api.auth import current_actor
from web.api.errors import ApiError
from web.api.schemas import (
    INT_MAX,
    DefinitionsSchema,
    DeployResultSchema,
    DiffQuerySchema,
    LiveCountsSchema,
    ProcessVersionDetailSchema,
    VersionDiffSchema,
)
from web.extensions import db
from web.wiring import get_engine
from workflows.read.definitions import version_changes


@api.post("/definitions")
def deploy() -> ResponseReturnValue:
    actor = current_actor()
    if not request.mimetype == "multipart/form-data":
        raise ApiError(400, "malformed_request", "send the files as multipart/form-data in the field 'files'")
    uploads = request.files.getlist("files")
    if not uploads:
        raise ApiError(400, "malformed_request", "no files in the multipart field 'files'")
    note = request.form.get("note", "").strip()
    if not note:
        raise ApiError(422, "validation_failed", "a change note is required: say what changed and why",
                       {"note": ["Give a change note: what changed and why."]})
    if len(note) > NOTE_LIMIT:
        raise ApiError(422, "validation_failed", f"the change note is longer than {NOTE_LIMIT} characters",
                       {"note": [f"Shorten the change note to {NOTE_LIMIT} characters or fewer."]})
    files: dict[str, bytes] = {}
    for upload in uploads:
        name = (upload.filename or "").rsplit("/", 1)[-1]
        if not name or name in files:
            raise ApiError(422, "validation_failed", "every file needs a distinct name",
                           {"files": [f"Give each file a distinct name ('{name}' is missing or repeated)."]})
        files[name] = upload.read()
    deployed = get_engine().deploy(files, actor, note)
    created = any(item.created for item in deployed)
    # 201 when a version was published; 200 when every process was already its current content.
    return DeployResultSchema().dump({"versions": deployed, "created": created}), 201 if created else 200


def _version(process_id: str, number: int) -> tuple[Any, Any, Any, int]:
    """The version, its properties, its bundle and the current number; a number beyond the INTEGER
    column cannot exist (PostgreSQL would refuse it in the query): 404 like any other unknown one."""
    if number > INT_MAX:
        raise NotFound(f"process '{process_id}' has no version {number}")
    return process_version(db.session(), process_id, number)


def _definition_manager() -> Actor:
    actor = current_actor()
    if not actor.may_deploy:
        raise Forbidden("only administrators and process owners read the definitions")
    return actor


@api.get("/definitions")
def list_definitions() -> ResponseReturnValue:
    _definition_manager()
    processes: dict[str, dict[str, Any]] = {}
    for version, process in process_versions(db.session()):
        entry = processes.setdefault(version.process_id, {
            "process_id": version.process_id, "name": process.name, "current": version.number,
            "inbox_fields": process.inbox_fields, "versions": []})
        entry["versions"].append(_summary(version))
    return DefinitionsSchema().dump({"items": list(processes.values())})


@api.get("/definitions/<process_id>/versions/<int:number>")
def get_version(process_id: str, number: int) -> ResponseReturnValue:
    _definition_manager()
    version, process, bundle, current = _version(process_id, number)
    return ProcessVersionDetailSchema().dump({
        **_summary(version), "process_id": process_id, "name": process.name, "current": version.number == current,
        "bundle": bundle.version, "properties": process.properties,
        "files": [{"name": name, "bytes": len(text.encode("utf-8"))} for name, text in sorted(bundle.files.items())],
        "live": [count for count in live_counts(db.session(), process_id) if count.version == number],
    })


@api.get("/definitions/<process_id>/versions/<int:number>/files/<name>")
def get_version_file(process_id: str, number: int, name: str) -> ResponseReturnValue:
    _definition_manager()
    _, _, bundle, _ = _version(process_id, number)
    text = bundle.files.get(name)
    if text is None:
        raise NotFound(f"version {number} of '{process_id}' has no file '{name}'")
    response = Response(text.encode("utf-8"), mimetype="application/xml")  # BPMN and DMN are both XML
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


@api.get("/definitions/<process_id>/diff")
def get_diff(process_id: str) -> ResponseReturnValue:
    _definition_manager()
    query = query_args(DiffQuerySchema())
    changes = version_changes(db.session(), process_id, query["from_"], query["to"])
    return VersionDiffSchema().dump({"process_id": process_id, "from_": query["from_"], "to": query["to"],
                                     "changes": changes})


def _summary(version: Any) -> dict[str, Any]:
    return {"version": version.number, "sha256": version.sha256, "published_by": version.published_by,
            "published_at": version.published_at, "note": version.note, "diff_summary": version.diff_summary}


@api.get("/definitions/<process_id>/live")
def definition_live(process_id: str) -> ResponseReturnValue:
    """Counts of live instances per version, element and kind of wait: never which instances. Process
    owners and administrators only, as every definitions read."""
    _definition_manager()
    counts = live_counts(db.session(), process_id)
    return LiveCountsSchema().dump({"process_id": process_id, "items": counts})
