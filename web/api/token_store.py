"""API tokens as their owner and administrators see them: listed (never the secret) and revoked.
Each function is one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.access import Actor
from engine.identity import revoke_token, tokens_of, user_named
from engine.models import ApiToken
from web.api.schemas import INT_MAX
from web.extensions import db


def token_view(token: ApiToken, now: datetime) -> dict[str, Any]:
    state = "revoked" if token.revoked_at is not None else "expired" if token.expires_at <= now else "active"
    return {"id": token.id, "label": token.label, "created_at": token.created_at.isoformat(),
            "expires_at": token.expires_at.isoformat(),
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None, "state": state}


def list_tokens(actor: Actor, username: str, *, now: datetime) -> list[dict[str, Any]] | None:
    """``username``'s tokens, for themselves or an administrator; None otherwise or when there is no one
    of that name (the same answer)."""
    if username != actor.username and not actor.is_admin:
        return None
    user = user_named(db.session(), username)
    if user is None:
        return None
    return [token_view(token, now) for token in tokens_of(db.session(), user)]


def revoke(actor: Actor, token_id: int, *, now: datetime) -> dict[str, Any] | None:
    """Revokes the token (the owner's own, or any for an administrator) and commits; None when there is
    no such token for ``actor``. Revoking a revoked token changes nothing and answers the same."""
    token = revoke_token(db.session(), token_id, actor, now=now) if token_id <= INT_MAX else None
    if token is None:
        db.session.rollback()
        return None
    db.session.commit()
    return token_view(token, now)
