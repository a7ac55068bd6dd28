"""OpenID Connect sign-in against a local provider (oidc-provider-mock), groups mapped by an admin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from engine.models import GroupMember, User
from tests.browser.conftest import Accessibility, release
from web.extensions import db
from web.ui.models import GroupMapping

oidc_mock = pytest.importorskip("oidc_provider_mock")


@pytest.fixture
def provider(app: Flask) -> Iterator[str]:
    with oidc_mock.run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        app.config.update(OIDC_ISSUER=issuer, OIDC_CLIENT_ID="family-journeys", OIDC_CLIENT_SECRET="test-secret")
        yield issuer
        for key in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
            app.config.pop(key, None)


def test_oidc_sign_in_takes_groups_from_the_claim(page: Any, people: None, provider: str,
                                                 audit: Accessibility) -> None:
    db.session.add(GroupMapping(claim_value="EH-Case-Managers", group_id="case_manager"))
    release()
    claims = {"preferred_username": "jo.bloggs", "name": "Jo Bloggs", "email": "jo@example.org",
              "groups": ["EH-Case-Managers", "Canteen-Users"]}
    assert requests.put(f"{provider}/users/jo", json=claims, timeout=10).status_code == 204
    page.goto("/sign-in")
    audit(page)
    page.get_by_role("link", name="Sign in with your council account").click()
    page.wait_for_url(f"{provider}/**")  # the provider's own page (not ours: axe is not run on it)
    page.fill("input[name=sub]", "jo")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("**/inbox")
    assert "Jo Bloggs" in page.inner_text("body")
    audit(page)
    user = db.session.scalars(select(User).where(User.username == "jo.bloggs")).one()
    groups = set(db.session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user.id)))
    release()
    assert groups == {"case_manager"}  # the unmapped, unknown claim value gives nothing
