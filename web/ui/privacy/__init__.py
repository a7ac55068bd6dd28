"""The privacy pages: the families list, a family's access log and subject access."""

from __future__ import annotations

from flask import Blueprint

from web.ui.errors import register_page_errors

bp = Blueprint("privacy", __name__)
register_page_errors(bp)

from web.ui.privacy import views  # noqa: E402,F401  (registers the routes)
