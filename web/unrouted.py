"""Errors no blueprint owns: a URL that matches no route (404) or not with this method (405).
An /api/ path answers JSON like the API, any other path a page like the people's pages."""

from __future__ import annotations

from flask import Flask, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from web.api.errors import json_error
from web.ui.errors import error_page


def unrouted_error(error: HTTPException) -> ResponseReturnValue:
    return json_error(error) if request.path.startswith("/api/") else error_page(error)


def register_unrouted_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, unrouted_error)
