"""Bad input answered with a 4xx and the error body, and nothing written: one test per root cause
of the HTTP 500s a hostile run against PostgreSQL found. Each ran into PostgreSQL's or Python's limits
before (a 500); CI runs this file on SQLite and on PostgreSQL."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.models import AccessLog, Base, DefinitionVersion
from tests.fixtures.app import BPMN, Api
from tests.fixtures.lifecycle import REFERRAL, Journey
from tests.fixtures.pages import sign_in
from web.extensions import db

BIG = "9" * 25  # beyond 64 bits
UNSTORABLE = "Text cannot hold a NUL character or an unpaired surrogate."


def rows() -> dict[str, int]:
    """How many rows each table holds, the access log aside (an attempt is always logged)."""
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables if table.name != "access_log"}


@pytest.fixture
def unchanged(journey: Journey) -> Iterator[None]:
    """The test's requests write no business row."""
    before = rows()
    yield
    db.session.rollback()
    assert rows() == before


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    return body["error"]  # type: ignore[no-any-return]


def test_ids_beyond_64_bits_in_paths_are_not_found(api: Api, unchanged: None) -> None:
    for url in (f"/api/v1/instances/{BIG}", f"/api/v1/instances/{BIG}/history", f"/api/v1/claim-windows/{BIG}",
                f"/api/v1/claim-windows/{'9' * 5000}"):  # past Python's 4,300-digit int() limit too
        error(api.get(url, as_="admin"), 404, "not_found")
    error(api.post(f"/api/v1/claims/{BIG}/paid", as_="tf1"), 404, "not_found")
    error(api.post(f"/api/v1/instances/{BIG}/terminate", as_="admin"), 404, "not_found")


def test_integers_beyond_64_bits_in_queries_and_bodies_are_refused(api: Api, unchanged: None) -> None:
    found = error(api.get(f"/api/v1/tasks?instance_id={BIG}", as_="admin"), 422, "validation_failed")
    assert list(found["details"]) == ["instance_id"]
    found = error(api.post("/api/v1/instances", as_="admin", json={"process_id": "family_referral",
                                                                   "version": int(BIG)}), 422, "validation_failed")
    assert list(found["details"]) == ["version"]


def test_nul_characters_in_paths_match_nothing_even_signed_out(api: Api, unchanged: None) -> None:
    error(api.client.get("/api/v1/families/F%00"), 404, "not_found")
    error(api.get("/api/v1/families/F%00", as_="admin"), 404, "not_found")
    error(api.get("/api/v1/tasks/x%00y", as_="admin"), 404, "not_found")
    assert api.client.get("/families/F%00").status_code == 404  # the pages' routes too


def test_nul_characters_in_queries_and_forms_are_refused(api: Api, unchanged: None) -> None:
    found = error(api.get("/api/v1/tasks?family_ref=F%00", as_="admin"), 422, "validation_failed")
    assert found["details"] == {"family_ref": ["Text cannot hold a NUL character."]}
    error(api.get("/api/v1/no-such-route?a=%00", as_="admin"), 404, "not_found")
    assert api.client.post("/sign-in", data={"username": "a\x00", "password": "x"}).status_code == 400


def test_nul_characters_in_json_are_refused(api: Api, unchanged: None) -> None:
    body = copy.deepcopy(REFERRAL)
    body["referrer"]["name"] = "Pat\x00Jones"
    found = error(api.post("/api/v1/referrals", as_="partner", json=body), 422, "validation_failed")
    assert found["details"] == {"$.referrer.name": [UNSTORABLE]}
    found = error(api.post("/api/v1/instances", as_="admin", json={"process_id": "x", "data": {"a\x00": 1}}), 422,
                  "validation_failed")
    assert found["details"] == {"$.data (a key)": [UNSTORABLE]}


def test_a_lone_surrogate_in_json_is_refused(api: Api, unchanged: None) -> None:
    body = json.dumps({**REFERRAL, "reasons": "\ud800"})  # json.dumps writes it as the escape \ud800
    assert "\\ud800" in body
    found = error(api.post("/api/v1/referrals", as_="partner", data=body, content_type="application/json"), 422,
                  "validation_failed")
    assert found["details"] == {"$.reasons": [UNSTORABLE]}


def test_json_nested_100000_deep_is_refused(api: Api, unchanged: None) -> None:
    deep = '{"process_id": "x", "data": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    found = error(api.post("/api/v1/instances", as_="admin", data=deep, content_type="application/json"), 400,
                  "malformed_json")
    assert found["message"] == "the body nests deeper than 32 levels"
    just_too_deep = {"process_id": "x", "data": {"a": json.loads("[" * 40 + "]" * 40)}}
    found = error(api.post("/api/v1/instances", as_="admin", json=just_too_deep), 400, "malformed_json")
    assert found["message"].startswith("the body nests deeper than 32 levels at $.data.a")


def test_an_over_long_reference_is_not_found_and_the_attempt_is_logged(api: Api, unchanged: None) -> None:
    long_ref = "F" * 150
    error(api.get(f"/api/v1/families/{long_ref}", as_="admin"), 404, "not_found")
    error(api.get(f"/api/v1/referrals/{long_ref}", as_="partner"), 404, "not_found")
    logged = db.session.scalars(select(AccessLog).order_by(AccessLog.id)).all()[-2:]
    assert [(e.username, e.resource_type, e.resource_id, e.status_code) for e in logged] == [
        ("admin", "family", "F" * 99 + "…", 404), ("partner", "referral", "F" * 99 + "…", 404)]


def test_an_over_long_idempotency_key_is_refused(api: Api, unchanged: None) -> None:
    headers = {**api.headers("partner"), "Idempotency-Key": "k" * 256}
    found = error(api.client.post("/api/v1/referrals", json=REFERRAL, headers=headers), 422, "validation_failed")
    assert found["details"] == {"Idempotency-Key": ["Longer than 255 characters."]}


def test_an_over_long_correlation_is_refused(api: Api, journey: Journey) -> None:
    api.deploy("messages.bpmn")
    db.session.commit()
    before = rows()
    found = error(api.post("/api/v1/messages", as_="admin", json={"name": "news", "correlation": {
        "family_ref": "F" * 1000}}), 422, "validation_failed")
    assert found["message"] == "the correlation is too long: at most 1000 characters as compact JSON"
    assert rows() == before


def test_an_over_long_team_id_is_refused(api: Api, unchanged: None) -> None:
    found = error(api.put("/api/v1/admin/teams/" + "t" * 101, as_="admin", json={
        "name": "North", "district": "newark_and_sherwood", "review_every_months": 3}), 422, "validation_failed")
    assert found["details"] == {"team_id": ["Too long."]}


def test_year_9999_dates_are_refused(api: Api, unchanged: None) -> None:
    found = error(api.post("/api/v1/admin/claim-windows", as_="admin", json={
        "name": "far", "local_cutoff_at": "9999-12-30T23:00:00+00:00", "closes_at": "9999-12-31T23:59:59-01:00"}),
        422, "validation_failed")
    assert found["details"] == {"closes_at": ["Must be between 1900 and 2199."],
                                "local_cutoff_at": ["Must be between 1900 and 2199."]}
    body = copy.deepcopy(REFERRAL)
    body["household"][1]["date_of_birth"] = "9999-12-31"
    found = error(api.post("/api/v1/referrals", as_="partner", json=body), 422, "validation_failed")
    assert "Date of birth must be between 1900 and 2199" in found["details"]["household"]["1"]["date_of_birth"]


def test_the_manual_clock_stays_within_a_century_of_real_time(api: Api, journey: Journey) -> None:
    before = journey.today()
    found = error(api.post("/api/v1/clock", as_="admin", json={"set": "9999-12-31T23:59:59-01:00"}), 422,
                  "validation_failed")
    assert found["details"] == {"set": ["Must be between 1900 and 2199."]}
    found = error(api.post("/api/v1/clock", as_="admin", json={"set": "2199-12-31T00:00:00+00:00"}), 422,
                  "validation_failed")
    assert found["message"].startswith("the clock moves at most 100 years ahead of real time, until ")
    error(api.post("/api/v1/clock", as_="admin", json={"advance": "P9000Y"}), 422, "validation_failed")
    assert journey.today() == before  # and every later request still works
    assert api.get("/api/v1/tasks", as_="admin").status_code == 200


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1"])
def test_bpmn_in_the_encoding_its_xml_declaration_names_is_deployed(api: Api, encoding: str) -> None:
    text = (BPMN / "review.bpmn").read_text("utf-8").replace('name="Review a case"', 'name="Révision"', 1)
    text = text.replace('encoding="UTF-8"', f'encoding="{encoding}"', 1)
    assert f'encoding="{encoding}"' in text
    response = api.post("/api/v1/definitions", as_="owner", content_type="multipart/form-data",
                        data={"files": [(io.BytesIO(text.encode(encoding)), "review.bpmn")], "note": "test"})
    assert response.status_code == 201, response.get_json()
    stored = db.session.scalars(select(DefinitionVersion)).one().files["review.bpmn"]
    assert stored.startswith("<?xml version='1.0' encoding='UTF-8'?>") and "Révision" in stored


def test_bpmn_that_is_not_utf_8_and_declares_nothing_is_refused(api: Api) -> None:
    text = (BPMN / "review.bpmn").read_text("utf-8").replace('name="Review a case"', 'name="Révision"', 1)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    response = api.post("/api/v1/definitions", as_="owner", content_type="multipart/form-data",
                        data={"files": [(io.BytesIO(text.encode("latin-1")), "review.bpmn")], "note": "test"})
    found = error(response, 422, "deploy_refused")
    assert "XML does not parse" in found["message"]
    assert db.session.scalar(select(func.count()).select_from(DefinitionVersion)) == 0


def test_trace_answers_405_with_allow(api: Api) -> None:
    response = api.client.open("/api/v1/tasks", method="TRACE")
    error(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_a_newline_in_next_signs_in_to_the_inbox(people: None, client: Any) -> None:
    response = sign_in(client, "cm1", next_path="/inbox%0D%0ASet-Cookie:%20x=1")
    assert response.status_code == 302 and response.headers["Location"] in ("/", "/inbox"), response.headers
    assert "x=1" not in response.headers.get("Set-Cookie", "")
