"""The task inbox and the task pages with their drafts."""

from __future__ import annotations

from flask import Blueprint

from web.ui.errors import register_page_errors

bp = Blueprint("tasks", __name__)
register_page_errors(bp)

from web.ui.tasks import inbox, task  # noqa: E402,F401  (registers the routes)
