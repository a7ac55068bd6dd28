"""The people's web pages: sign-in, the task inbox, task forms and administration (GOV.UK Design System).

One package and one Blueprint per area (tasks, referral, case, tf, dashboard, admin, privacy, auth);
what every area shares stays here. The JSON API keeps its bearer tokens; these pages use a signed
session cookie and CSRF tokens.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

csrf = CSRFProtect()

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _settings(app: Flask) -> None:
    # Flask has defaults for the cookie settings, so these are set, not defaulted.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # Secure unless testing; SESSION_COOKIE_SECURE=0 serves a plain-http demo on a host other than localhost.
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = not app.config.get("TESTING")
    # The cookie outlives the session it carries: a form posted after the cap still brings its user id
    # and CSRF token, so its answers are kept as that person's draft instead of failing CSRF and lost.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=2 * float(app.config["SESSION_MAX_HOURS"]))
    # The CSRF token lives as long as the session: a long form must not fail on a token time limit.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)


def _jinja(app: Flask) -> None:
    # One loader for every area's templates (web/ui/templates/ui/...); the GOV.UK macros import each
    # other as "govuk_frontend_jinja/...".
    loaders: list[BaseLoader] = [loader for loader in (app.jinja_loader,) if loader is not None]
    govuk = PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})
    app.jinja_loader = ChoiceLoader([*loaders, FileSystemLoader(TEMPLATES), govuk])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from web.ui.timefmt import london, long_date, waiting

    app.jinja_env.filters["london"] = london
    app.jinja_env.filters["waiting"] = waiting
    app.jinja_env.filters["long_date"] = long_date


def init_ui(app: Flask) -> None:
    _settings(app)
    _jinja(app)
    csrf.init_app(app)

    from web.ui import admin, assets, auth, case, dashboard, privacy, referral, tasks, tf
    from web.ui.auth.limits import init_limits
    from web.ui.auth.oidc import init_oidc
    from web.ui.auth.session import load_signed_in_user, page_context
    from web.ui.headers import csp_nonce, security_headers
    from web.ui.navigation import navigation

    app.before_request(load_signed_in_user)
    app.context_processor(page_context)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals["navigation"] = navigation
    app.after_request(security_headers)
    init_oidc(app)
    init_limits(app)
    for area in (assets, auth, tasks, referral, case, tf, dashboard, admin, privacy):
        app.register_blueprint(area.bp)
    from web.ui.admin import cli  # noqa: F401  (adds ``users password`` to the ``users`` group)
