"""Who is signed in: a signed session cookie holding the user id and when they were last seen.

A session idle for longer than ``SESSION_IDLE_MINUTES`` (on the project clock, so tests and demos can
travel) is over: the request runs signed out, and ``g.expired_user_id`` tells a form page whose answers
to keep as a draft. Nothing the expired session posts is acted on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from flask import current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from engine.access import Actor
from engine.identity import actor_for
from engine.models import User
from web.extensions import db
from web.ui.models import LoginState
from web.wiring import get_engine
from workflows.access import Landing, landing

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])
EPOCH = "1970-01-01T00:00:00+00:00"


def _now() -> datetime:
    return get_engine().clock.now()


def _idle() -> timedelta:
    return timedelta(minutes=float(current_app.config["SESSION_IDLE_MINUTES"]))


def load_signed_in_user() -> None:
    """A ``before_request`` hook for the pages (the API has its own bearer tokens)."""
    # ``g`` belongs to the app context, which can outlive a request (tests push one around many):
    # flask-wtf caches the signed CSRF token there, and it must come from this request's session.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    g.user = None
    g.expired_user_id = None
    if request.path.startswith(("/api/", "/assets/")):
        return
    user_id = session.get("uid")
    if user_id is None:
        return
    now = _now()
    seen = datetime.fromisoformat(session.get("seen", EPOCH))
    signed_in_at = datetime.fromisoformat(session.get("auth_at", EPOCH))
    user = db.session.get(User, user_id)
    state = db.session.get(LoginState, user_id)
    revoked = state is not None and state.sessions_valid_after is not None and \
        signed_in_at < state.sessions_valid_after
    if user is None or not user.active or revoked:
        session.clear()
        return
    if now - seen > _idle() or now - signed_in_at > timedelta(hours=float(current_app.config["SESSION_MAX_HOURS"])):
        g.expired_user_id = user.id  # timed out, not taken back: their answers may still be kept
        session.clear()
        return
    g.user = user
    g.actor = actor_for(db.session(), user)  # the access log reads g.actor
    if request.endpoint != "auth.session_status":  # polling the status is not activity
        session["seen"] = now.isoformat()


def start_session(user: User) -> None:
    session.clear()  # a fresh session on sign-in: no fixation, no leftover state
    session.permanent = True
    session["uid"] = user.id
    session["auth_at"] = session["seen"] = _now().isoformat()


def current_actor() -> Actor:
    actor: Actor = g.actor
    return actor


def expires_at() -> datetime | None:
    if g.get("user") is None:
        return None
    return datetime.fromisoformat(session["seen"]) + _idle()


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect. Browsers drop tabs and newlines from a
    ``Location`` and read a backslash as a slash, so ``/<TAB>/evil.example`` is ``//evil.example`` to them:
    any control character, whitespace or backslash refuses the target whole."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def sign_in_url(next_path: str | None = None, **extra: str) -> str:
    args = {"next": next_path} if next_path else {}
    args.update(extra)
    return url_for("auth.sign_in") + ("?" + urlencode(args) if args else "")


def signed_in(view: F) -> F:
    """Pages for signed-in people; others go to the sign-in page and come back afterwards."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if g.get("user") is None:
            target = request.full_path.rstrip("?") if request.method == "GET" else request.path
            reason = {"timeout": "1"} if g.get("expired_user_id") else {}
            return redirect(sign_in_url(target, **reason))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


LANDING_ENDPOINTS = {Landing.USERS: "admin.admin_users", Landing.DEFINITIONS: "admin.admin_definitions",
                     Landing.REFERRAL: "referral.referral_start", Landing.DASHBOARD: "dashboard.dashboard",
                     Landing.INBOX: "tasks.inbox"}


def landing_url(actor: Actor) -> str:
    """The page the access policy (workflows.access.landing) says this person lands on."""
    return url_for(LANDING_ENDPOINTS[landing(actor)])


def page_context() -> dict[str, Any]:
    user = g.get("user")
    actor = g.get("actor") if user is not None else None
    ends = expires_at()
    return {
        "current_user": user,
        "current_actor": actor,
        "session_ends_at": ends,
        "session_warning_s": int(current_app.config["SESSION_WARNING_MINUTES"]) * 60,
        "session_idle_s": int(_idle().total_seconds()),
    }
