"""Every API response, an answer or an error, is kept out of caches and never content-sniffed."""

from __future__ import annotations

from typing import Any

from tests.fixtures.app import Api
from tests.fixtures.lifecycle import Journey


def _kept_private(response: Any) -> None:
    assert response.headers.get("Cache-Control") == "no-store", response.headers
    assert response.headers.get("X-Content-Type-Options") == "nosniff", response.headers


def test_a_familys_journey_and_every_api_answer_are_not_stored_or_sniffed(api: Api, journey: Journey) -> None:
    ref = journey.refer()["family_ref"]
    family = api.get(f"/api/v1/families/{ref}", as_="admin")
    assert family.status_code == 200
    _kept_private(family)
    for response in (api.get("/api/v1/families/F-1999-000001", as_="admin"),  # 404
                     api.get(f"/api/v1/families/{ref}"),  # 401: no token
                     api.get("/api/v1/no-such-route", as_="admin"),
                     api.get("/api/v1/openapi.json"),
                     api.post("/api/v1/referrals", as_="partner", data="not json")):
        assert response.status_code in {200, 400, 401, 404, 415}, response.status_code
        _kept_private(response)
