"""Sign-in attempts per client address (Flask-Limiter), on top of the per-account lockout.

The counts live in ``RATELIMIT_STORAGE_URI`` (Flask-Limiter reads it): ``memory://`` by default, which
is per process, so with several workers point every one at a shared store (``redis://...``,
``memcached://...``) or each worker allows the limit again. ``SIGN_IN_RATE_LIMIT`` is the limit itself,
generous enough for an office behind one address. The address is ``request.remote_addr``: behind a proxy,
set ``PROXY_FIX_HOPS`` so it is the client's, not the proxy's.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(get_remote_address)


def init_limits(app: Flask) -> None:
    limiter.init_app(app)


def sign_in_limit() -> str:
    limit: str = current_app.config["SIGN_IN_RATE_LIMIT"]
    return limit
