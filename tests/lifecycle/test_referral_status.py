"""``GET /referrals/{ref}``: the submitter's confirmation only; the same 404 for everyone else; logged."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import AccessLog
from tests.fixtures.lifecycle import START, Journey
from web.extensions import db


def test_the_submitter_sees_their_confirmation_and_nobody_else_does(journey: Journey) -> None:
    journey.api.user("partner2", "referrer")
    referral = journey.refer()
    ref = referral["referral_ref"]
    path = f"/api/v1/referrals/{ref}"
    received = journey.family(referral["family_ref"])["referrals"][0]["received_at"]
    assert received.startswith(START[:19])  # the manual clock, as the family record has it
    assert journey.ok(journey.api.get(path, as_="partner")) == {
        "referral_ref": ref, "received_at": received, "status": "received"}
    for user in ("partner2", "admin", "ehu1", "tf1"):
        hidden = journey.api.get(path, as_=user)
        assert (hidden.status_code, hidden.get_json()["error"]["code"]) == (404, "not_found"), user
    unknown = journey.api.get("/api/v1/referrals/R-2027-999999", as_="partner")
    assert unknown.get_json()["error"] == journey.api.get(path, as_="partner2").get_json()["error"] | {
        "message": "referral R-2027-999999 not found"}
    assert unknown.status_code == 404

    journey.triage(referral["family_ref"], referral["people"])
    assert journey.ok(journey.api.get(path, as_="partner"))["status"] == "triaged"
    logs = db.session.scalars(select(AccessLog).where(AccessLog.resource_type == "referral").order_by(AccessLog.id))
    assert [(log.username, log.resource_id, log.status_code) for log in logs] == [
        ("partner", ref, 200), ("partner2", ref, 404), ("admin", ref, 404), ("ehu1", ref, 404), ("tf1", ref, 404),
        ("partner", "R-2027-999999", 404), ("partner2", ref, 404), ("partner", ref, 200)]


def test_a_re_referral_matched_to_a_known_family_is_triaged_for_its_submitter(journey: Journey) -> None:
    first = journey.refer()
    journey.triage(first["family_ref"], first["people"], route="no_further_action", indicators=(7,))
    second = journey.refer(as_="ehu1")  # the Early Help Unit's web form, on the family's behalf
    path = f"/api/v1/referrals/{second['referral_ref']}"
    assert journey.ok(journey.api.get(path, as_="ehu1"))["status"] == "received"
    assert journey.api.get(path, as_="partner").status_code == 404
    journey.triage(second["family_ref"], second["people"], match=first["family_ref"], route="no_further_action",
                   indicators=(7,))
    confirmation = journey.ok(journey.api.get(path, as_="ehu1"))
    assert set(confirmation) == {"referral_ref", "received_at", "status"}  # nothing about the family
    assert (confirmation["referral_ref"], confirmation["status"]) == (second["referral_ref"], "triaged")
    assert confirmation["received_at"] == journey.family(first["family_ref"])["referrals"][1]["received_at"]
