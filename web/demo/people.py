"""The demo council's people: a user for every group, each with the demo password."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from engine.identity import create_user, issue_token
from engine.models import User
from forms.choices import DISTRICTS
from web.council import team_id
from web.ui.auth.passwords import set_password

# A demo database only (flask setup on an empty database): never a real council's accounts.
DEMO_PASSWORD = "demo-family-journeys"

DEMO_TOKEN_LIFETIME = timedelta(days=20 * 365)


def demo_users(session: Session, now: datetime) -> dict[str, str]:
    """Users for every group, each with the demo password; returns username -> API token for the demo."""
    wanted: list[tuple[str, tuple[str, ...], tuple[str, ...], str]] = [
        ("partner", ("referrer",), (), "Pat Partner (Meadow Primary School)"),
        ("ehu1", ("early_help_unit",), (), "Erin Hughes (Early Help Unit)"),
        ("pft1", ("parenting_family_team",), (), "Priya Farrell (Parenting and Family Team)"),
        ("pftm1", ("pft_manager",), (), "Grace Pemberton (Parenting and Family Team manager)"),
        ("tf1", ("tf_team",), (), "Tom Fletcher (TF team)"),
        ("pm1", ("tf_project_manager",), (), "Paula Mason (TF project manager)"),
        ("co1", ("tf_coordinator",), (), "Colin Okafor (TF coordinator)"),
        ("owner1", ("process_owner",), (), "Olivia Owen (process owner)"),
        ("admin1", ("admin",), (), "Adam Ince (administrator)"),
    ]
    for district, label in DISTRICTS:
        team = team_id(district)
        wanted.append((f"tm-{team}", ("team_manager",), (team,), f"Team manager, {label}"))
        wanted.append((f"cm-{team}", ("case_manager",), (team,), f"Case manager, {label}"))
    tokens = {}
    for username, groups, teams, name in wanted:
        user = session.query(User).filter_by(username=username).one_or_none()
        if user is None:
            user = create_user(session, username, groups=groups, teams=teams, now=now, display_name=name)
            set_password(session, user, DEMO_PASSWORD)
        # The demo's story travels the clock for years; a replay revokes these tokens (replay.py).
        tokens[username] = issue_token(session, user, now=now, label="demo", lifetime=DEMO_TOKEN_LIFETIME)
    return tokens
