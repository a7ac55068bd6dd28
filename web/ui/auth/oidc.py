"""OpenID Connect sign-in (Authlib) for a council's identity provider.

Settings: ``OIDC_ISSUER`` (the provider's base URL; discovery at /.well-known/openid-configuration),
``OIDC_CLIENT_ID``, ``OIDC_CLIENT_SECRET``, ``OIDC_GROUPS_CLAIM`` (default ``groups``). A person is
known by issuer + subject. Their groups come from the claim: a value that is one of our group ids, or
that an admin mapped to one (web_group_mapping). Without the claim, the groups an admin gave them stay.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.utils import redirect

from web.ui.auth import bp
from web.ui.auth.session import safe_next, start_session
from web.ui.auth.store import sign_in_with_oidc
from web.wiring import get_engine

oauth = OAuth()
CLIENT = "council"


def init_oidc(app: Flask) -> None:
    app.config.setdefault("OIDC_SCOPE", "openid profile email")
    oauth.init_app(app)


def oidc_enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER") and current_app.config.get("OIDC_CLIENT_ID"))


def _client() -> Any:
    """The client for the configured issuer (re-registered when the settings change, as in tests)."""
    config = current_app.config
    settings = (config["OIDC_ISSUER"].rstrip("/"), config["OIDC_CLIENT_ID"], config.get("OIDC_CLIENT_SECRET"))
    if getattr(oauth, "_family_journeys_settings", None) != settings:
        oauth._clients.pop(CLIENT, None)  # Authlib caches a client per name; drop the stale one
        oauth.register(CLIENT, client_id=settings[1], client_secret=settings[2],
                       server_metadata_url=f"{settings[0]}/.well-known/openid-configuration",
                       client_kwargs={"scope": config["OIDC_SCOPE"]})
        oauth._family_journeys_settings = settings
    return oauth.create_client(CLIENT)


@bp.get("/sign-in/oidc")
def oidc_start() -> ResponseReturnValue:
    if not oidc_enabled():
        return render_template("ui/error.html", title="Page not found", status=404), 404
    session["oidc_next"] = safe_next(request.args.get("next"))
    redirect_uri: str = url_for("auth.oidc_callback", _external=True)
    response: ResponseReturnValue = _client().authorize_redirect(redirect_uri)
    return response


def _refuse(message: str) -> ResponseReturnValue:
    return render_template("ui/error.html", title="You cannot sign in with this account", message=message,
                           status=403), 403


@bp.get("/sign-in/oidc/callback")
def oidc_callback() -> ResponseReturnValue:
    if not oidc_enabled():
        return render_template("ui/error.html", title="Page not found", status=404), 404
    client = _client()
    try:
        token = client.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        claims.update(client.userinfo(token=token))
    except Exception as error:  # any protocol failure: state mismatch, denied, bad token
        current_app.logger.warning("OIDC sign-in failed: %s", error)
        return _refuse("Your council account could not be checked. Try again, or sign in with a username.")
    issuer = current_app.config["OIDC_ISSUER"].rstrip("/")
    next_path = session.pop("oidc_next", None)
    outcome = sign_in_with_oidc(issuer, claims, current_app.config["OIDC_GROUPS_CLAIM"],
                                now=get_engine().clock.now())
    if outcome.user is None:
        return _refuse(outcome.refusal or "")
    start_session(outcome.user)
    return redirect(safe_next(next_path) or url_for("auth.home"))
