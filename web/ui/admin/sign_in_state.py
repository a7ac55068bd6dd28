"""The administrators' reads of the web's own sign-in tables (web/ui/models.py): which accounts are locked
out, and the identity provider's claim value -> group mapping."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select

from web.extensions import db
from web.ui.models import GroupMapping, LoginState


def locked_user_ids(user_ids: Collection[int], now: datetime) -> set[int]:
    """Those of ``user_ids`` locked out at ``now`` after repeated failed sign-ins."""
    return {s.user_id for s in db.session.scalars(select(LoginState).where(
        LoginState.user_id.in_(user_ids), LoginState.locked_until > now))}


def group_mappings() -> Sequence[GroupMapping]:
    """The whole mapping, by claim value."""
    return db.session.scalars(select(GroupMapping).order_by(GroupMapping.claim_value)).all()
