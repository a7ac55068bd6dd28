"""Signing in and out (password and the council's identity provider) and the session."""

from __future__ import annotations

from flask import Blueprint

from web.ui.errors import register_page_errors

bp = Blueprint("auth", __name__)
register_page_errors(bp)

from web.ui.auth import oidc, views  # noqa: E402,F401  (registers the routes)
