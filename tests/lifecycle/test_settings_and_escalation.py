"""Team and council settings drive the process: review cadence, overdue escalation, claim windows."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.fixtures.lifecycle import TEAM, Journey
from web.extensions import db
from workflows.models import ClaimWindow, TeamSetting


def start_case(journey: Journey, review_date: str = "2027-06-01") -> tuple[str, list[dict[str, str]]]:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people)
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    journey.do(ref, "assess", "cm1", {"assessed_on": "2027-03-01", "all_members_included": True,
                                      "summary": "Assessed."})
    journey.do(ref, "plan", "cm1", {"agreed_on": "2027-03-01", "review_date": review_date,
                                    "targets": journey.plan_targets(ref, people)})
    return ref, people


def test_an_overdue_review_escalates_to_the_team_manager(journey: Journey) -> None:
    ref, people = start_case(journey)
    journey.travel("P3M")  # 1 June 09:00: due 17:00 that day, not yet overdue
    assert [t["bpmn_id"] for t in journey.family(ref)["open_tasks"]] == ["check_identified_family", "review"]
    journey.travel("PT9H")
    tasks = journey.family(ref)["open_tasks"]
    assert [(t["bpmn_id"], t["group"], t["team"]) for t in tasks] == [
        ("check_identified_family", "tf_team", None), ("review_escalated", "team_manager", TEAM)]
    journey.do(ref, "review_escalated", "tm1", {
        "reviewed_on": "2027-06-01", "ready_to_close": False, "review_date": "2027-09-01",
        "next_steps": "Case manager to visit weekly.",
        "progress": [{"person_id": people[1]["person_id"], "indicator": 7, "status": "on_track",
                      "evidence": "Attendance 91%"}]})
    review = journey.task(ref, "review", "cm1")
    assert review["assignee"] == "cm1" and review["due_at"] == "2027-09-01T16:00:00+00:00"


def test_a_team_reviewing_every_four_months(journey: Journey) -> None:
    body = {"name": "Newark EHCM", "district": "newark_and_sherwood", "review_every_months": 4}
    refused = journey.api.put(f"/api/v1/admin/teams/{TEAM}", as_="tm1", json=body)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    invalid = journey.api.put(f"/api/v1/admin/teams/{TEAM}", as_="admin", json={**body, "district": "york"})
    assert invalid.status_code == 422 and list(invalid.get_json()["error"]["details"]) == ["district"]
    assert db.session.get(TeamSetting, TEAM).review_every_months == 3  # nothing written
    team = journey.ok(journey.api.put(f"/api/v1/admin/teams/{TEAM}", as_="admin", json=body))
    assert team["review_every_months"] == 4
    assert {m["username"] for m in team["members"]} == {"tm1", "cm1", "cm2"}
    ref, _ = start_case(journey, review_date="2027-07-01")  # 4 months: no reason needed now
    assert journey.task(ref, "review", "cm1")["due_at"] == "2027-07-01T16:00:00+00:00"


def test_claim_window_settings_are_checked(journey: Journey) -> None:
    later_first = {"name": "W", "local_cutoff_at": "2028-12-31T00:00:00+00:00",
                   "closes_at": "2028-12-01T00:00:00+00:00"}
    response = journey.api.post("/api/v1/admin/claim-windows", as_="admin", json=later_first)
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {
        "local_cutoff_at": ["The local cut-off must be before the window closes."]}
    naive = {"name": "W", "local_cutoff_at": "2028-12-01T00:00:00", "closes_at": "2028-12-31T00:00:00+00:00"}
    assert journey.api.post("/api/v1/admin/claim-windows", as_="admin", json=naive).status_code == 422
    assert journey.api.post("/api/v1/admin/claim-windows", as_="tf1", json=later_first).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ClaimWindow)) == 0
    journey.claim_window("W", "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00")
    again = journey.api.post("/api/v1/admin/claim-windows", as_="admin", json={
        "name": "W", "local_cutoff_at": "2029-03-01T00:00:00+00:00", "closes_at": "2029-03-31T00:00:00+00:00"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate_window"
    assert db.session.scalar(select(func.count()).select_from(ClaimWindow)) == 1
    listed = journey.ok(journey.api.get("/api/v1/claim-windows", as_="pm1"))["items"]
    assert [(w["name"], w["status"]) for w in listed] == [("W", "scheduled")]
    hidden = journey.api.get("/api/v1/claim-windows", as_="cm1")
    assert hidden.status_code == 404


def test_council_settings(journey: Journey) -> None:
    defaults = {"earned_autonomy": False, "triage_working_days": 1, "triage_escalation_group": "team_manager",
                "pft_escalation_group": "team_manager", "escalation_working_days": 5, "pft_closure_sign_off": True}
    assert journey.ok(journey.api.get("/api/v1/admin/settings", as_="admin")) == defaults
    bad = journey.api.put("/api/v1/admin/settings", as_="admin", json={"earned_autonomy": "maybe"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_failed"
    assert journey.ok(journey.api.get("/api/v1/admin/settings", as_="admin")) == defaults
    assert journey.api.get("/api/v1/admin/settings", as_="tf1").status_code == 403
    journey.ok(journey.api.put("/api/v1/admin/settings", as_="admin", json={"triage_working_days": 2}))
    referral = journey.refer()  # Monday 09:00: due 17:00 on Wednesday
    assert journey.task(referral["family_ref"], "triage_referral", "ehu1")["due_at"] == "2027-03-03T17:00:00+00:00"


def test_the_review_is_due_on_the_date_the_plan_gave_not_the_cadence(journey: Journey) -> None:
    ref, _ = start_case(journey, review_date="2027-04-15")  # sooner than the team's 3 months
    assert journey.task(ref, "review", "cm1")["due_at"] == "2027-04-15T16:00:00+00:00"  # 17:00 BST


def test_the_parenting_and_family_teams_review_is_due_on_the_date_its_plan_gave(journey: Journey) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people, route="parenting_family_team")
    journey.do(ref, "pft_plan", "pft1", {
        "intervention": "Weekly parenting sessions.", "agreed_on": "2027-03-01", "review_date": "2027-12-01",
        "review_date_reason": "The sessions run until November.", "targets": journey.plan_targets(ref, people)})
    assert journey.task(ref, "pft_review", "pft1")["due_at"] == "2027-12-01T17:00:00+00:00"
