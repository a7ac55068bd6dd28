"""The demo: about 50 families at every stage of the journey, driven through the REST API.

Nothing is inserted into workflow tables: every family is referred, triaged, worked and audited through
the API, as the people in each group would. The demo replays the last two years: the engine's clock is
swapped for a replay clock that starts 26 months ago and moves forward (timers fire through the normal
sweep), then the real clock is put back, so the service is left exactly where those two years lead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import update

from engine.models import ApiToken
from web.council import ensure_groups, ensure_teams
from web.demo.driver import Demo, ReplayClock
from web.demo.people import demo_users
from web.demo.story import tell
from web.extensions import db
from web.timers import sweep_once
from web.wiring import get_engine


def run_demo(app: Flask, say: Callable[[str], None] = print) -> int:
    """Build the demo council and replay two years of referrals; returns the number of families."""
    engine = get_engine()
    real_clock = engine.clock
    start = (datetime.now(UTC) - timedelta(days=26 * 30)).replace(hour=9, minute=0, second=0, microsecond=0)
    start -= timedelta(days=start.weekday())  # a Monday morning
    replay = ReplayClock(start)
    ensure_groups(db.session())
    ensure_teams(db.session())
    tokens = demo_users(db.session(), real_clock.now())
    db.session.commit()
    engine.clock = replay
    try:
        demo = Demo(app, tokens, replay)
        tell(demo, say)
    finally:
        engine.clock = real_clock
        db.session.rollback()
        # The demo's tokens were only for driving the API: nobody holds them, so none stays valid.
        db.session.execute(update(ApiToken).where(ApiToken.label == "demo", ApiToken.revoked_at.is_(None))
                           .values(revoked_at=real_clock.now()))
        db.session.commit()
    sweep_once(batch=1000)  # back in real time: whatever fell due since the replay ended fires now
    return len(demo.families)
