"""Deploying and listing BPMN/DMN bundles; how many live instances wait where in a process."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from engine.live_counts import live_counts
from engine.queries import deployed_processes
from web.api import api
from web.api.auth import current_actor
from web.api.errors import ApiError
from web.api.schemas import DefinitionSchema, DeployResultSchema, LiveCountsSchema
from web.extensions import db
from web.wiring import get_engine


@api.post("/definitions")
def deploy() -> ResponseReturnValue:
    actor = current_actor()
    if not request.mimetype == "multipart/form-data":
        raise ApiError(400, "malformed_request", "send the files as multipart/form-data in the field 'files'")
    uploads = request.files.getlist("files")
    if not uploads:
        raise ApiError(400, "malformed_request", "no files in the multipart field 'files'")
    files: dict[str, bytes] = {}
    for upload in uploads:
        name = (upload.filename or "").rsplit("/", 1)[-1]
        if not name or name in files:
            raise ApiError(422, "validation_failed", "every file needs a distinct name",
                           {"files": [f"Give each file a distinct name ('{name}' is missing or repeated)."]})
        files[name] = upload.read()
    deployed = get_engine().deploy(files, actor)
    return DeployResultSchema().dump({"versions": deployed}), 201


@api.get("/definitions")
def list_definitions() -> ResponseReturnValue:
    current_actor()
    rows = deployed_processes(db.session())
    items = [
        {
            "process_id": process.process_id,
            "name": process.name,
            "version": version.version,
            "sha256": version.sha256,
            "deployed_by": version.deployed_by,
            "deployed_at": version.deployed_at,
            "inbox_fields": process.inbox_fields,
        }
        for process, version in rows
    ]
    return {"items": DefinitionSchema(many=True).dump(items)}


@api.get("/definitions/<process_id>/live")
def definition_live(process_id: str) -> ResponseReturnValue:
    """Counts of live instances per version, element and kind of wait: never which instances. Process
    owners and administrators only; anyone else is told the process does not exist."""
    actor = current_actor()
    if not actor.may_deploy:
        raise ApiError(404, "not_found", f"process '{process_id}' is not deployed")
    counts = live_counts(db.session(), process_id)
    return LiveCountsSchema().dump({"process_id": process_id, "items": counts})
