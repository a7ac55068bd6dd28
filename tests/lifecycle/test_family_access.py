"""``GET /families/{ref}``: role and need to know; the same 404 for unknown and unseen; every read logged."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import AccessLog
from tests.fixtures.lifecycle import TEAM, Journey
from web.extensions import db


def test_who_sees_a_family_in_case_management(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.api.user("owner2", "process_owner")
    journey.triage(ref, people)
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    expected = {"admin": 200, "cm1": 200, "tm1": 200, "tf1": 200, "pm1": 200, "co1": 200,
                "cm2": 404, "ehu1": 404, "partner": 404, "owner2": 404, "pft1": 404}
    seen = {user: journey.api.get(f"/api/v1/families/{ref}", as_=user).status_code for user in expected}
    assert seen == expected
    unknown = journey.api.get("/api/v1/families/F-2027-999999", as_="cm2")
    hidden = journey.api.get(f"/api/v1/families/{ref}", as_="cm2")
    assert unknown.get_json()["error"]["code"] == hidden.get_json()["error"]["code"] == "not_found"

    logs = list(db.session.scalars(select(AccessLog).where(  # the inbox lists that showed it log it too
        AccessLog.resource_type == "family", AccessLog.resource_id == ref,
        AccessLog.route == "/api/v1/families/<ref>").order_by(AccessLog.id)))
    assert [(log.username, log.status_code) for log in logs][:len(expected)] == list(
        zip(expected, expected.values(), strict=True))
    assert [log.admin_read for log in logs][:2] == [True, False]


def test_the_view_carries_the_journey(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people)
    family = journey.family(ref)
    assert family["household"][0]["person_id"] == people[0]["person_id"]
    assert family["indicators"] == [{"person_id": people[0]["person_id"], "indicator": 22},
                                    {"person_id": people[1]["person_id"], "indicator": 7}]
    assert (family["team"], family["case_manager"], family["claim"]) == (TEAM, None, None)
    assert [(t["bpmn_id"], t["group"], t["team"]) for t in family["open_tasks"]] == [
        ("allocate", "team_manager", TEAM), ("check_identified_family", "tf_team", None)]


def test_the_tf_team_is_alerted_to_every_identified_family(journey: Journey) -> None:
    identified = journey.refer()
    journey.triage(identified["family_ref"], identified["people"])
    single = journey.refer()
    journey.triage(single["family_ref"], single["people"], indicators=(7,), route="no_further_action")
    register = journey.ok(journey.api.get("/api/v1/tf-register", as_="tf1"))["items"]
    assert [(r["family_ref"], r["headline_issues"]) for r in register] == [(identified["family_ref"], [2, 5])]
    history = journey.ok(journey.api.get(f"/api/v1/instances/{identified['instance_id']}/history", as_="admin"))
    assert [e["data"] for e in history["items"] if e["kind"] == "tf_team_alerted"] == [
        {"family_ref": identified["family_ref"], "headline_issues": [2, 5]}]
    hidden = journey.api.get("/api/v1/tf-register", as_="cm1")
    assert hidden.status_code == 404 and hidden.get_json()["error"]["code"] == "not_found"
