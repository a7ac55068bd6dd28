"""The referral form's question pages, check your answers and the confirmation."""

from __future__ import annotations

from flask import Blueprint

from web.ui.errors import register_page_errors

bp = Blueprint("referral", __name__)
register_page_errors(bp)

from web.ui.referral import check, questions  # noqa: E402,F401  (registers the routes)
