"""Bearer-token authentication for the API."""

from __future__ import annotations

from flask import g, request

from engine.access import Actor
from engine.identity import actor_for_token
from web.api.errors import ApiError
from web.extensions import db
from web.wiring import get_engine


def forget_actor() -> None:
    """A ``before_request`` hook: ``g`` lives as long as the app context, which may span requests."""
    g.pop("actor", None)
    g.pop("access_log", None)


def current_actor() -> Actor:
    """The caller, from ``Authorization: Bearer <token>``; 401 without a valid token."""
    actor: Actor | None = g.get("actor")
    if actor is not None:
        return actor
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "send a bearer token: Authorization: Bearer <token>")
    actor = actor_for_token(db.session(), token.strip(), now=get_engine().clock.now())
    if actor is None:
        raise ApiError(401, "unauthorized", "the bearer token is not valid")
    g.actor = actor
    return actor
