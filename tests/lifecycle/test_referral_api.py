"""``POST /api/v1/referrals``: validation, idempotency scoped to the caller, refusals that write nothing."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from engine.models import Instance
from tests.fixtures.lifecycle import REFERRAL, Journey
from web.extensions import db
from workflows.models import Family, IdempotentRequest, Person, Referral


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(model)) or 0
                 for model in (Instance, Family, Referral, Person))


def post(journey: Journey, body: Any, as_: str = "partner", key: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {journey.api.tokens[as_]}"}
    if key:
        headers["Idempotency-Key"] = key
    return journey.api.client.post("/api/v1/referrals", headers=headers, json=body)


def test_a_referral_gets_references_and_people_ids(journey: Journey) -> None:
    response = post(journey, REFERRAL)
    assert response.status_code == 201
    body = response.get_json()
    assert body["referral_ref"] == "R-2027-000001" and body["family_ref"] == "F-2027-000001"
    assert body["family_ref_provisional"] is True
    assert [(p["person_id"], p["given_name"]) for p in body["people"]] == [("P-0000001", "Sam"),
                                                                          ("P-0000002", "Alex")]
    assert journey.instance(body["instance_id"])["status"] == "active"
    assert counts() == (1, 1, 1, 2)


def test_a_retry_with_the_same_key_returns_the_first_answer(journey: Journey) -> None:
    first = post(journey, REFERRAL, key="abc-1")
    again = post(journey, REFERRAL, key="abc-1")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert counts() == (1, 1, 1, 2)


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(journey: Journey) -> None:
    post(journey, REFERRAL, key="abc-1")
    changed = copy.deepcopy(REFERRAL)
    changed["reasons"] = "Something else."
    response = post(journey, changed, key="abc-1")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "idempotency_key_reused"
    assert counts() == (1, 1, 1, 2)


def test_the_same_key_from_another_caller_is_another_request(journey: Journey) -> None:
    journey.api.user("partner2", "referrer")
    first = post(journey, REFERRAL, key="abc-1").get_json()
    second = post(journey, REFERRAL, as_="partner2", key="abc-1").get_json()
    assert first["referral_ref"] != second["referral_ref"]
    assert counts() == (2, 2, 2, 4)


def test_a_duplicate_still_in_flight_is_a_conflict(journey: Journey) -> None:
    """The unique (caller, key) row is claimed before the instance starts: a concurrent duplicate finds it."""
    digest = hashlib.sha256(json.dumps(REFERRAL, sort_keys=True).encode()).hexdigest()
    db.session.add(IdempotentRequest(username="partner", key="abc-1", body_sha256=digest,
                                     created_at=datetime.now(UTC)))
    db.session.commit()
    response = post(journey, REFERRAL, key="abc-1")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "request_in_progress"
    assert counts() == (0, 0, 0, 0)


def test_an_invalid_referral_gets_field_errors_and_writes_nothing(journey: Journey) -> None:
    body = copy.deepcopy(REFERRAL)
    del body["consent"]
    body["address"]["postcode"] = "nowhere"
    response = post(journey, body, key="abc-2")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert error["details"] == {"consent": ["Confirm the family has consented to this referral"],
                                "address": {"postcode": ["Enter a full UK postcode"]}}
    assert counts() == (0, 0, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(IdempotentRequest)) == 0


def test_who_may_submit(journey: Journey) -> None:
    forbidden = post(journey, REFERRAL, as_="cm1")
    assert forbidden.status_code == 403 and forbidden.get_json()["error"]["code"] == "forbidden"
    anonymous = journey.api.client.post("/api/v1/referrals", json=REFERRAL)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "unauthorized"
    malformed = journey.api.client.post("/api/v1/referrals", data="{", content_type="application/json",
                                        headers={"Authorization": f"Bearer {journey.api.tokens['partner']}"})
    assert malformed.status_code == 400 and malformed.get_json()["error"]["code"] == "malformed_json"
    assert counts() == (0, 0, 0, 0)


def test_the_openapi_document_lists_the_lifecycle_resources(journey: Journey) -> None:
    document = journey.api.client.get("/api/v1/openapi.json").get_json()
    for path in ("/referrals", "/referrals/{ref}", "/families/{ref}", "/claim-windows", "/claim-windows/{window_id}",
                 "/claim-windows/{window_id}/claim-file.csv", "/claim-windows/{window_id}/claim-file.xlsx",
                 "/claims/{claim_id}/paid",
                 "/claims/{claim_id}/invalidate", "/admin/teams/{team_id}", "/admin/settings",
                 "/admin/claim-windows"):
        assert path in document["paths"], path
    body = document["paths"]["/referrals"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "household" in body["properties"] and "consent" in body["properties"]
