"""The case page: one family's processes, tasks and diagrams."""

from __future__ import annotations

from flask import Blueprint

from web.ui.errors import register_page_errors

bp = Blueprint("case", __name__)
register_page_errors(bp)

from web.ui.case import views  # noqa: E402,F401  (registers the routes)
