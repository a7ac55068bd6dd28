"""Administration pages: users, groups, teams and definitions."""

from __future__ import annotations

from flask import Blueprint

from web.ui.errors import register_page_errors

bp = Blueprint("admin", __name__)
register_page_errors(bp)

from web.ui.admin import definitions, views  # noqa: E402,F401  (registers the routes)
