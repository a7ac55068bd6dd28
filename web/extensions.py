"""Flask extensions, created unbound at import time and bound in ``create_app`` with ``init_app``."""

from __future__ import annotations

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Session

from engine.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def session() -> Session:
    """The current unit of work's session (``db.session`` is a registry; this is what it holds)."""
    return db.session()
