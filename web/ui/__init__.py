"""The people's web pages: sign-in, the task inbox, task forms and administration (GOV.UK Design System).

The JSON API keeps its bearer tokens; these pages use a signed session cookie and CSRF tokens.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Flask, abort, send_from_directory
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFProtect
from jinja2 import BaseLoader, ChoiceLoader, PackageLoader, PrefixLoader

ui = Blueprint("ui", __name__, template_folder="templates")
csrf = CSRFProtect()

ROOT = Path(__file__).resolve().parent.parent.parent
# Only these folders of node_modules are served: the built CSS, JS, fonts and images.
GOVUK = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
MOJ = ROOT / "node_modules" / "@ministryofjustice" / "frontend" / "moj"
# The built CSS asks for /assets/fonts/... and /assets/images/...: those are looked up in both packages.
ASSET_DIRS = {
    "govuk": [GOVUK],
    "moj": [MOJ],
    "app": [Path(__file__).resolve().parent / "static"],
    "fonts": [GOVUK / "assets" / "fonts"],
    "images": [GOVUK / "assets" / "images", MOJ / "assets" / "images"],
    "bpmn": [ROOT / "node_modules" / "bpmn-js" / "dist"],  # the case page's diagram viewer and its CSS
}
ASSET_SUFFIXES = {".css", ".js", ".woff", ".woff2", ".svg", ".png", ".ico", ".json", ".map"}


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
    # The GOV.UK macros import each other as "govuk_frontend_jinja/..."; our templates come from the blueprint.
    loaders: list[BaseLoader] = [loader for loader in (app.jinja_loader,) if loader is not None]
    govuk = PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})
    app.jinja_loader = ChoiceLoader([*loaders, govuk])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from web.ui.timefmt import london, long_date, waiting

    app.jinja_env.filters["london"] = london
    app.jinja_env.filters["waiting"] = waiting
    app.jinja_env.filters["long_date"] = long_date


@ui.get("/assets/<kind>/<path:filename>")
def asset(kind: str, filename: str) -> ResponseReturnValue:
    if Path(filename).suffix not in ASSET_SUFFIXES:
        abort(404)
    for folder in ASSET_DIRS.get(kind, []):
        if (folder / filename).is_file():
            return send_from_directory(folder, filename, max_age=3600)
    abort(404)


def init_ui(app: Flask) -> None:
    _settings(app)
    _jinja(app)
    csrf.init_app(app)
    from web.api import api

    csrf.exempt(api)  # the API authenticates with bearer tokens, never cookies

    from web.ui import (  # noqa: F401  (registers the routes)
        admin,
        auth,
        case,
        dashboard,
        inbox,
        oidc,
        privacy,
        referral,
        referral_check,
        tasks,
        tf_pages,
    )
    from web.ui.headers import csp_nonce, security_headers
    from web.ui.navigation import navigation
    from web.ui.session import load_signed_in_user, page_context

    app.before_request(load_signed_in_user)
    app.context_processor(page_context)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals["navigation"] = navigation
    app.after_request(security_headers)
    oidc.init_oidc(app)
    app.register_blueprint(ui)
    from web.ui import cli  # noqa: F401  (adds ``users password`` to the ``users`` group)
