"""The Flask application: the app factory wires one configured engine for the web, CLI and sweep."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

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

    from web.database import configure_engine_options

    configure_engine_options(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))

    from web.wiring import init_engine

    init_engine(app)

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

    from web.cli import register_cli
    from web.timers import init_scheduler, register_timer_cli

    register_cli(app)
    register_timer_cli(app)
    init_scheduler(app)
    return app
