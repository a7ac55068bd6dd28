"""Parenting and Family Team closures: a PFT manager signs them off (guidance 13f) unless the council has
turned the sign-off off, when approval stays automatic and the family's history says so."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.models import User
from tests.fixtures.lifecycle import Journey
from tests.fixtures.pages import PASSWORD, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password
from workflows.read.returns import CLOSURE_APPROVALS, returns

CUTOFF, CLOSES = "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00"


def _to_closure(journey: Journey) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """A PFT family reviewed ready to close on 1 April 2027; its closure answers (both outcomes achieved)."""
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, route="parenting_family_team")
    journey.do(ref, "pft_plan", "pft1", {"intervention": "Weekly parenting sessions.", "agreed_on": "2027-03-01",
                                         "review_date": "2027-06-01", "targets": journey.plan_targets(ref, people)})
    journey.travel("P1M")
    journey.do(ref, "pft_review", "pft1", {"reviewed_on": "2027-04-01", "ready_to_close": True,
                                           "next_steps": "Close.", "progress": [
                                               {"person_id": people[1]["person_id"], "indicator": 7,
                                                "status": "achieved", "evidence": "Routine in place"}]})
    closure = {"closed_on": "2027-04-01", "summary": "Done.", "evidence": "On file.", "outcomes": [
        {"person_id": people[0]["person_id"], "indicator": 22, "achieved": True, "evidence": "No call-outs"},
        {"person_id": people[1]["person_id"], "indicator": 7, "achieved": True, "evidence": "Attendance 93%"}]}
    return ref, people, closure


def _approvals(journey: Journey, instance_id: int) -> list[dict[str, Any]]:
    history = journey.ok(journey.api.get(f"/api/v1/instances/{instance_id}/history", as_="admin"))
    return [e["data"] for e in history["items"] if e["kind"] == "closure_approved"]


def _browser(app: Flask, username: str) -> FlaskClient:
    user = db.session.scalar(select(User).where(User.username == username))
    assert user is not None
    set_password(db.session, user, PASSWORD)
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def test_a_pft_manager_returns_then_approves_and_the_family_is_claimed(app: Flask, journey: Journey) -> None:
    ref, people, closure = _to_closure(journey)
    assert journey.api.get(f"/api/v1/families/{ref}", as_="pftm1").status_code == 200  # the PFT's family
    journey.do(ref, "pft_closure", "pft1", {**closure, "summary": "Done, briefly."})
    family = journey.family(ref)
    assert (family["status"], family["closure_approved_at"]) == ("open", None)  # waiting for the sign-off
    task = journey.task(ref, "pft_approve_closure", "pftm1")  # in the PFT manager's inbox
    assert journey.ok(journey.api.get(f"/api/v1/tasks?family_ref={ref}&bpmn_id=pft_approve_closure",
                                      as_="tm1"))["items"] == []  # not the district team manager's
    assert f"/tasks/{task['id']}" in _browser(app, "pftm1").get("/inbox").get_data(as_text=True)

    refused = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="pftm1",
                               json={"data": {"decision": "return"}})
    assert refused.status_code == 422 and refused.get_json()["error"]["details"] == {
        "reasons": ["Enter the reasons for returning the closure summary"]}
    assert journey.task(ref, "pft_approve_closure", "pftm1")["id"] == task["id"]  # nothing moved

    journey.do(ref, "pft_approve_closure", "pftm1", {"decision": "return", "reasons": "Say how the routine is kept."})
    again = journey.task(ref, "pft_closure", "pft1")  # back with the worker, with its answers
    data = journey.ok(journey.api.get(f"/api/v1/tasks/{again['id']}", as_="pft1"))
    assert data["data"]["closure_summary"]["summary"] == "Done, briefly."
    (returned,) = returns(db.session, again["instance_id"], CLOSURE_APPROVALS)
    assert (returned.by, returned.reasons) == ("pftm1", "Say how the routine is kept.")
    page = _browser(app, "pft1").get(f"/tasks/{again['id']}").get_data(as_text=True)
    assert "History of returns" in page and "Say how the routine is kept." in page
    assert "Your answers from before it was returned are filled in." in page and "Done, briefly." in page
    assert journey.family(ref)["closure_approved_at"] is None

    journey.do(ref, "pft_closure", "pft1", closure)
    journey.do(ref, "pft_approve_closure", "pftm1", {"decision": "approve", "evidence_checked": True})
    family = journey.family(ref)
    assert family["status"] == "closed" and family["closure_approved_at"] is not None
    assert _approvals(journey, again["instance_id"]) == [{"family_ref": ref, "approval": "pft_manager"}]

    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    assert [p["family_ref"] for p in journey.window(window["id"])["pool"]] == [ref]


def test_with_the_sign_off_off_the_closure_is_approved_automatically(journey: Journey) -> None:
    bad = journey.api.put("/api/v1/admin/settings", as_="admin", json={"pft_closure_sign_off": "maybe"})
    assert bad.status_code == 422 and bad.get_json()["error"]["details"] == {
        "pft_closure_sign_off": ["Not a valid boolean."]}
    assert journey.ok(journey.api.get("/api/v1/admin/settings", as_="admin"))["pft_closure_sign_off"] is True
    journey.ok(journey.api.put("/api/v1/admin/settings", as_="admin", json={"pft_closure_sign_off": False}))

    ref, people, closure = _to_closure(journey)
    done = journey.do(ref, "pft_closure", "pft1", closure)
    family = journey.family(ref)
    assert family["status"] == "closed" and family["closure_approved_at"] is not None
    assert journey.ok(journey.api.get(f"/api/v1/tasks?family_ref={ref}&bpmn_id=pft_approve_closure",
                                      as_="pftm1"))["items"] == []
    assert _approvals(journey, done["instance_id"]) == [{"family_ref": ref, "approval": "automatic"}]

    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    assert [p["family_ref"] for p in journey.window(window["id"])["pool"]] == [ref]
