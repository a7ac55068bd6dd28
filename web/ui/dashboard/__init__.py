"""The oversight dashboard."""

from __future__ import annotations

from flask import Blueprint

from web.ui.errors import register_page_errors

bp = Blueprint("dashboard", __name__)
register_page_errors(bp)

from web.ui.dashboard import views  # noqa: E402,F401  (registers the routes)
