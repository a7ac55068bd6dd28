"""API tokens expire, are revoked by their owner, an administrator or a new password, are listed without
their secrets, and are stored only as a SHA-256."""

from __future__ import annotations

import hashlib

from flask import Flask
from sqlalchemy import select

from engine.identity import issue_token
from engine.models import ApiToken, User
from tests.fixtures.app import Api
from web.extensions import db
from web.wiring import get_engine


def test_a_token_expires_after_its_lifetime(api: Api) -> None:
    api.user("cm1", "case_manager")
    user = db.session.scalars(select(User).where(User.username == "cm1")).one()
    api.tokens["cm1"] = issue_token(db.session, user, now=get_engine().clock.now())  # the default lifetime
    db.session.commit()
    assert api.get("/api/v1/tokens", as_="cm1").status_code == 200
    get_engine().clock.advance("P89D")  # type: ignore[attr-defined]
    assert api.get("/api/v1/tokens", as_="cm1").status_code == 200
    get_engine().clock.advance("P2D")  # type: ignore[attr-defined]
    expired = api.get("/api/v1/tokens", as_="cm1")
    assert expired.status_code == 401 and expired.json["error"]["message"] == "the bearer token is not valid"


def test_a_person_lists_and_revokes_their_own_tokens_but_no_one_elses(api: Api) -> None:
    api.user("cm1", "case_manager")
    api.user("cm2", "case_manager")
    mine = api.get("/api/v1/tokens", as_="cm1").json
    assert mine["username"] == "cm1" and [t["state"] for t in mine["items"]] == ["active"]
    assert set(mine["items"][0]) == {"id", "label", "created_at", "expires_at", "revoked_at", "state"}  # no secret
    theirs = api.get("/api/v1/tokens?username=cm2", as_="admin").json["items"][0]["id"]
    assert api.get("/api/v1/tokens?username=cm2", as_="cm1").status_code == 404
    assert api.client.delete(f"/api/v1/tokens/{theirs}", headers=api.headers("cm1")).status_code == 404
    assert api.client.delete("/api/v1/tokens/999999", headers=api.headers("cm1")).status_code == 404
    assert api.get("/api/v1/tokens", as_="cm2").status_code == 200  # still valid
    revoked = api.client.delete(f"/api/v1/tokens/{mine['items'][0]['id']}", headers=api.headers("cm1"))
    assert revoked.status_code == 200 and revoked.json["state"] == "revoked"
    assert api.get("/api/v1/tokens", as_="cm1").status_code == 401  # at once
    listed = api.get("/api/v1/tokens?username=cm1", as_="admin").json["items"]
    assert [t["state"] for t in listed] == ["revoked"]


def test_an_administrator_revokes_anyones_token(api: Api) -> None:
    api.user("cm1", "case_manager")
    token_id = api.get("/api/v1/tokens?username=cm1", as_="admin").json["items"][0]["id"]
    assert api.client.delete(f"/api/v1/tokens/{token_id}", headers=api.headers("admin")).status_code == 200
    assert api.get("/api/v1/tokens", as_="cm1").status_code == 401
    assert api.get("/api/v1/tokens?username=nobody", as_="admin").status_code == 404
    bad = api.get("/api/v1/tokens?username=" + "x" * 151, as_="admin")
    assert bad.status_code == 422 and bad.json["error"]["code"] == "validation_failed"


def test_a_new_password_revokes_the_persons_tokens(api: Api, app: Flask) -> None:
    api.user("cm1", "case_manager")
    api.user("cm2", "case_manager")
    result = app.test_cli_runner().invoke(args=["users", "password", "cm1", "--password", "a new long password"])
    assert result.exit_code == 0, result.output
    assert api.get("/api/v1/tokens", as_="cm1").status_code == 401
    assert api.get("/api/v1/tokens", as_="cm2").status_code == 200


def test_only_a_tokens_digest_is_stored(api: Api) -> None:
    secret = api.user("cm1", "case_manager")
    user = db.session.scalars(select(User).where(User.username == "cm1")).one()
    row = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert row.token_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(getattr(row, column.key)) for column in ApiToken.__table__.columns}


def test_a_token_id_beyond_the_column_or_an_unknown_query_is_a_4xx(api: Api) -> None:
    api.user("cm1", "case_manager")  # found by schemathesis: an id over 2**31 reached PostgreSQL (a 500)
    beyond = api.client.delete(f"/api/v1/tokens/{2**31}", headers=api.headers("cm1"))
    assert beyond.status_code == 404 and beyond.json["error"]["code"] == "not_found"
    unknown = api.get("/api/v1/tokens?user=cm2", as_="cm1")
    assert unknown.status_code == 422 and unknown.json["error"]["details"] == {"user": ["Unknown field."]}
    assert [t["state"] for t in api.get("/api/v1/tokens", as_="cm1").json["items"]] == ["active"]  # nothing revoked
