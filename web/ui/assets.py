"""/assets: GOV.UK Frontend, MOJ Frontend, bpmn-js and the app's own CSS, JS, fonts and images."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory
from flask.typing import ResponseReturnValue

from web.ui.errors import register_page_errors

bp = Blueprint("assets", __name__)
register_page_errors(bp)

ROOT = Path(__file__).resolve().parent.parent.parent
# Only these folders of node_modules are served: the built CSS, JS, fonts and images.
GOVUK = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
MOJ = ROOT / "node_modules" / "@ministryofjustice" / "frontend" / "moj"
# The built CSS asks for /assets/fonts/... and /assets/images/...: those are looked up in both packages.
ASSET_DIRS = {
    "govuk": [GOVUK],
    "moj": [MOJ],
    "app": [Path(__file__).resolve().parent / "static"],
    "fonts": [GOVUK / "assets" / "fonts"],
    "images": [GOVUK / "assets" / "images", MOJ / "assets" / "images"],
    "bpmn": [ROOT / "node_modules" / "bpmn-js" / "dist"],  # the case page's diagram viewer and its CSS
}
ASSET_SUFFIXES = {".css", ".js", ".woff", ".woff2", ".svg", ".png", ".ico", ".json", ".map"}


@bp.get("/assets/<kind>/<path:filename>")
def asset(kind: str, filename: str) -> ResponseReturnValue:
    if Path(filename).suffix not in ASSET_SUFFIXES:
        abort(404)
    for folder in ASSET_DIRS.get(kind, []):
        if (folder / filename).is_file():
            return send_from_directory(folder, filename, max_age=3600)
    abort(404)
