"""``/api/v1/tokens``: a person's API tokens, listed and revoked by themselves or an administrator.
Tokens are issued by ``flask users create --token``; only their SHA-256 is stored."""

from __future__ import annotations

from flask.typing import ResponseReturnValue
from marshmallow import fields, validate

from web.api import api, query_args
from web.api.auth import current_actor
from web.api.errors import ApiError
from web.api.schemas import StrictSchema
from web.api.token_store import list_tokens, revoke
from web.wiring import get_engine


class TokensQuerySchema(StrictSchema):
    username = fields.Str(validate=validate.Length(min=1, max=150))


@api.get("/tokens")
def get_tokens() -> ResponseReturnValue:
    """The caller's tokens; an administrator may ask for anyone's with ``?username=``."""
    actor = current_actor()
    username = query_args(TokensQuerySchema()).get("username", actor.username)
    tokens = list_tokens(actor, username, now=get_engine().clock.now())
    if tokens is None:
        raise ApiError(404, "not_found", f"user {username} not found")
    return {"username": username, "items": tokens}


@api.delete("/tokens/<int:token_id>")
def delete_token(token_id: int) -> ResponseReturnValue:
    """Revokes a token at once: the caller's own, or anyone's for an administrator."""
    revoked = revoke(current_actor(), token_id, now=get_engine().clock.now())
    if revoked is None:
        raise ApiError(404, "not_found", f"token {token_id} not found")
    return revoked
