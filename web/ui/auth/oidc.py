"""OpenID Connect sign-in (Authlib) for a council's identity provider.

Settings: ``OIDC_ISSUER`` (the provider's base URL; discovery at /.well-known/openid-configuration),
``OIDC_CLIENT_ID``, ``OIDC_CLIENT_SECRET``, ``OIDC_GROUPS_CLAIM`` (default ``groups``). A person is
known by issuer + subject. Their groups come from the claim: a value that is one of our group ids, or
that an admin mapped to one (web_group_mapping). Without the claim, the groups an admin gave them stay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.utils import redirect

from engine.identity import create_user
from engine.models import Group, GroupMember, User
from web.extensions import db
from web.extensions import session as db_session
from web.ui.auth import bp
from web.ui.auth.session import safe_next, start_session
from web.ui.models import GroupMapping, LoginState
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
    user = _user_for(db_session(), issuer, claims)
    if user is None:
        db.session.rollback()
        return _refuse("An account with this username already exists. Ask an administrator to link it.")
    if not user.active:
        db.session.rollback()
        return _refuse("Your account has been switched off. Ask an administrator.")
    db.session.commit()
    start_session(user)
    return redirect(safe_next(next_path) or url_for("auth.home"))


def _user_for(session: Session, issuer: str, claims: dict[str, Any]) -> User | None:
    subject = f"{issuer}|{claims['sub']}"
    now = get_engine().clock.now()
    state = session.scalar(select(LoginState).where(LoginState.oidc_subject == subject))
    if state is not None:
        user = session.get(User, state.user_id)
        assert user is not None
    else:
        username = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])[:150]
        user = session.scalar(select(User).where(User.username == username))
        if user is not None and user.password_hash is not None:
            return None  # a local account is never taken over by an outside identity
        if user is None:
            user = create_user(session, username, groups=(), now=now,
                               display_name=str(claims.get("name") or username)[:255])
            user.email = claims.get("email")
        state = session.get(LoginState, user.id) or LoginState(user_id=user.id, failed_count=0)
        if state.oidc_subject is not None:
            return None  # already linked to another identity
        state.oidc_subject = subject
        session.add(state)
    state.last_sign_in_at = now
    claim = claims.get(current_app.config["OIDC_GROUPS_CLAIM"])
    if claim is not None:
        _set_groups(session, user, [claim] if isinstance(claim, str) else [str(v) for v in claim])
    session.flush()
    return user


def mapping_changes(add: tuple[str, str] | None, remove: list[tuple[str, str]]) -> Callable[[Session], None]:
    """An administrator's changes to the claim value -> group mapping, for workflows/services/users.py to
    run in the transaction that saves the groups."""

    def apply(session: Session) -> None:
        if add is not None:
            session.merge(GroupMapping(claim_value=add[0][:255], group_id=add[1]))
        for value, group_id in remove:
            session.execute(delete(GroupMapping).where(GroupMapping.claim_value == value,
                                                       GroupMapping.group_id == group_id))

    return apply


def _set_groups(session: Session, user: User, values: list[str]) -> None:
    known = set(session.scalars(select(Group.id).where(Group.id.in_(values))))
    mapped = set(session.scalars(select(GroupMapping.group_id).where(GroupMapping.claim_value.in_(values))))
    session.execute(delete(GroupMember).where(GroupMember.user_id == user.id))
    for group_id in sorted(known | mapped):
        session.add(GroupMember(user_id=user.id, group_id=group_id))
