"""Flask extensions, created unbound at import time and bound in ``create_app`` with ``init_app``."""

from __future__ import annotations

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from engine.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
