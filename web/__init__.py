"""The Flask application: the app factory wires one configured engine for the web, CLI and sweep."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from web.config import from_environment, instance_folder, secret_key
from web.extensions import db, migrate


def create_app(settings: Mapping[str, Any] | None = None) -> Flask:
    """The app as ``flask --app web`` and a WSGI server (``web:create_app()``) build it: from the
    environment alone; ``settings`` (tests, benchmarks) override the environment."""
    settings = dict(settings or {})
    app = Flask(__name__, instance_path=instance_folder(settings), instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(from_environment(app.instance_path))
    app.config.update(settings)
    # Flask's defaults already hold SECRET_KEY = None, so "unset" is tested, never setdefault.
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)

    from web.logs import init_logging

    init_logging(app)  # first: the request id exists before any other hook logs

    from web.database import configure_engine_options

    configure_engine_options(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))

    from web.wiring import init_engine

    init_engine(app)

    from web.bad_input import register_bad_input

    register_bad_input(app)  # before any blueprint: its routes use these converters

    from web.access_log import write_access_log
    from web.api import api
    from web.api.auth import forget_actor

    app.register_blueprint(api)
    app.before_request(forget_actor)
    app.after_request(write_access_log)

    import web.ui.models  # noqa: F401  (the pages' tables join the metadata)
    from web.ui import init_ui

    init_ui(app)
    from web.ui import csrf
    from web.unrouted import register_unrouted_errors

    csrf.exempt(api)  # the API authenticates with bearer tokens, never cookies
    register_unrouted_errors(app)

    from web.health import health
    from web.metrics import init_metrics

    app.register_blueprint(health)
    init_metrics(app)
    trust_proxies(app)

    from web.cli import register_cli
    from web.timers import init_scheduler, register_timer_cli

    register_cli(app)
    register_timer_cli(app)
    init_scheduler(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind a TLS-terminating proxy, read the client's address, scheme, host and prefix from the
    ``X-Forwarded-*`` headers the ``PROXY_FIX_HOPS`` proxies set; never by default, since a client
    could then forge them (and with them the Secure cookie and the redirects' scheme)."""
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)  # type: ignore[method-assign]
