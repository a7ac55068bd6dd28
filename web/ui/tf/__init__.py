"""The Troubled Families team's pages: audits, claim windows and claim invalidation."""

from __future__ import annotations

from flask import Blueprint

from web.ui.errors import register_page_errors

bp = Blueprint("tf", __name__)
register_page_errors(bp)

from web.ui.tf import views  # noqa: E402,F401  (registers the routes)
