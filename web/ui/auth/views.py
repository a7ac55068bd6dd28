"""Signing in and out with a local account, and the session time-out's status and keep-alive."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from web.ui.auth import bp
from web.ui.auth.limits import limiter, sign_in_limit
from web.ui.auth.oidc import oidc_enabled
from web.ui.auth.session import current_actor, expires_at, landing_url, safe_next, signed_in, start_session
from web.ui.auth.store import attempt_sign_in, end_sessions
from web.wiring import get_engine


@bp.get("/")
def home() -> ResponseReturnValue:
    if g.get("user") is None:
        return redirect(url_for("auth.sign_in"))
    return redirect(landing_url(current_actor()))


def _sign_in_page(errors: list[dict[str, str]], username: str = "", status: int = 200) -> ResponseReturnValue:
    return render_template(
        "ui/sign_in.html", errors=errors, username=username, next=safe_next(request.args.get("next")),
        timed_out=request.args.get("timeout") == "1", oidc=oidc_enabled(),
    ), status


@bp.get("/sign-in")
def sign_in() -> ResponseReturnValue:
    if g.get("user") is not None:
        return redirect(safe_next(request.args.get("next")) or landing_url(current_actor()))
    return _sign_in_page([])


@bp.post("/sign-in")
@limiter.limit(sign_in_limit)
def sign_in_post() -> ResponseReturnValue:
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    errors = []
    if not username:
        errors.append({"text": "Enter your username", "href": "#username"})
    if not password:
        errors.append({"text": "Enter your password", "href": "#password"})
    if errors:
        return _sign_in_page(errors, username, 400)
    config = current_app.config
    result = attempt_sign_in(username, password, now=get_engine().clock.now(),
                             attempts=int(config["LOCKOUT_ATTEMPTS"]), lock_minutes=float(config["LOCKOUT_MINUTES"]))
    if result.user is None:  # one answer for a wrong password, an unknown name and a locked account
        message = (f"Enter a correct username and password. After {config['LOCKOUT_ATTEMPTS']} wrong passwords "
                   f"an account is locked for {float(config['LOCKOUT_MINUTES']):g} minutes")
        return _sign_in_page([{"text": message, "href": "#username"}], username, 401)
    start_session(result.user)
    return redirect(safe_next(request.args.get("next")) or url_for("auth.home"))


@bp.errorhandler(429)
def too_many_attempts(_: Exception) -> ResponseReturnValue:
    """Over the limit for this address: the same page, whatever name was tried, nothing checked."""
    message = "There have been too many attempts to sign in from your network. Wait a minute and try again"
    return _sign_in_page([{"text": message, "href": "#username"}], request.form.get("username", "").strip(), 429)


@bp.post("/sign-out")
def sign_out() -> ResponseReturnValue:
    from flask import session

    user = g.get("user")
    if user is not None:  # ends this person's sessions everywhere, copies of this cookie included
        end_sessions(user, get_engine().clock.now())
    session.clear()
    flash("You have signed out")
    return redirect(url_for("auth.sign_in"))


@bp.get("/session")
@signed_in
def session_status() -> ResponseReturnValue:
    """When this session ends (the time-out warning reads it; it does not count as activity)."""
    ends = expires_at()
    return {"expires_at": ends.isoformat() if ends else None}


@bp.post("/session/keep-alive")
@signed_in
def keep_alive() -> ResponseReturnValue:
    """The warning's "stay signed in" button: any signed-in request renews the session."""
    return redirect(safe_next(request.form.get("next")) or url_for("auth.home"))
