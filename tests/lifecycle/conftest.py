"""A council for end-to-end journeys: users in every group, teams with settings, the lifecycle deployed.

Everything after setup goes through the REST API on the manual clock; tasks are found through
``GET /tasks?family_ref=...&bpmn_id=...`` like an integration would find them.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from engine.access import Actor
from engine.identity import ensure_group, ensure_team
from tests.conftest import Api
from web.extensions import db
from web.wiring import get_engine
from workflows.models import TeamSetting

BUNDLE = Path(__file__).resolve().parents[2] / "workflows" / "bpmn"
START = "2027-03-01T09:00:00+00:00"  # a Monday
TEAM = "newark-ehcm"

REFERRAL: dict[str, Any] = {
    "referrer": {"name": "Pat Jones", "organisation": "Meadow Primary School", "role": "Family liaison",
                 "email": "pat.jones@example.org"},
    "household": [
        {"given_name": "Sam", "family_name": "Smith", "date_of_birth": "1985-06-01", "relationship": "Mother",
         "role": "adult", "gender": "female"},
        {"given_name": "Alex", "family_name": "Smith", "date_of_birth": "2012-09-01", "relationship": "Son",
         "role": "child"},
    ],
    "address": {"line_1": "1 Station Road", "town": "Newark", "postcode": "NG24 1AB"},
    "district": "newark_and_sherwood",
    "reasons": "Alex is often absent from school and there are police call-outs to the home.",
    "consent": True,
}

GROUPS = ("referrer", "early_help_unit", "case_manager", "team_manager", "parenting_family_team", "tf_team",
          "tf_project_manager", "tf_coordinator", "process_owner", "admin")


class Journey:
    """Drives families through the API as the people who would do each step."""

    def __init__(self, api: Api) -> None:
        self.api = api

    def ok(self, response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def clock(self, **body: str) -> None:
        self.ok(self.api.post("/api/v1/clock", as_="admin", json=body))

    def sweep(self) -> dict[str, Any]:
        return self.ok(self.api.post("/api/v1/timers/sweep", as_="admin"))  # type: ignore[no-any-return]

    def travel(self, duration: str) -> None:
        self.clock(advance=duration)
        self.sweep()

    def refer(self, as_: str = "partner", **changes: Any) -> dict[str, Any]:
        body = copy.deepcopy(REFERRAL)
        body.update(changes)
        return self.ok(self.api.post("/api/v1/referrals", as_=as_, json=body), 201)  # type: ignore[no-any-return]

    def task(self, family_ref: str, bpmn_id: str, as_: str) -> dict[str, Any]:
        page = self.ok(self.api.get(f"/api/v1/tasks?family_ref={family_ref}&bpmn_id={bpmn_id}", as_=as_))
        assert len(page["items"]) == 1, (bpmn_id, page)
        return page["items"][0]  # type: ignore[no-any-return]

    def do(self, family_ref: str, bpmn_id: str, as_: str, data: dict[str, Any]) -> dict[str, Any]:
        task = self.task(family_ref, bpmn_id, as_)
        return self.ok(self.api.post(f"/api/v1/tasks/{task['id']}/complete", as_=as_,  # type: ignore[no-any-return]
                                     json={"data": data}))

    def family(self, ref: str, as_: str = "admin") -> dict[str, Any]:
        return self.ok(self.api.get(f"/api/v1/families/{ref}", as_=as_))  # type: ignore[no-any-return]

    # -- the usual answers ------------------------------------------------------------------------

    def triage(self, ref: str, people: list[dict[str, Any]], *, route: str = "case_management",
               indicators: tuple[int, ...] = (22, 7), match: str = "new", **extra: Any) -> None:
        rows = [{"person_id": people[0 if n in (16, 19, 22) else 1]["person_id"], "indicator": n, "evidence": "seen"}
                for n in indicators]
        self.do(ref, "triage_referral", "ehu1", {"match": match, "route": route, "indicators": rows, **extra})

    def case_management_to_closure(self, ref: str, people: list[dict[str, Any]], *, reviews: int = 1,
                                   outcomes: tuple[int, ...] = (22, 7)) -> None:
        self.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
        self.do(ref, "assess", "cm1", {"assessed_on": "2027-03-01", "all_members_included": True,
                                       "summary": "Whole family assessed."})
        self.do(ref, "plan", "cm1", {"agreed_on": "2027-03-01", "review_date": "2027-06-01", "targets": [
            {"indicator": 7, "person_id": people[1]["person_id"], "target": "Attendance over 90%",
             "by_date": "2027-07-20"}]})
        for n in range(reviews):
            self.travel("P1M")
            ready = n == reviews - 1
            body: dict[str, Any] = {"reviewed_on": self.today(), "next_steps": "Keep going.",
                                    "ready_to_close": ready, "progress": [
                                        {"person_id": people[1]["person_id"], "indicator": 7,
                                         "status": "on_track", "evidence": "Attendance 93%"}]}
            if not ready:
                body["review_date"] = "2028-01-01"
            self.do(ref, "review", "cm1", body)
        self.closure_summary(ref, people, outcomes)

    def closure_summary(self, ref: str, people: list[dict[str, Any]], outcomes: tuple[int, ...]) -> None:
        rows = [{"person_id": people[0 if n in (16, 19, 22) else 1]["person_id"], "indicator": n, "achieved": True,
                 "evidence": "Recorded on the case file."} for n in outcomes]
        self.do(ref, "write_closure", "cm1", {"closed_on": self.today(), "summary": "Good progress.",
                                              "outcomes": rows, "evidence": "On file."})

    def approve(self, ref: str) -> None:
        self.do(ref, "approve_closure", "tm1", {"decision": "approve", "evidence_checked": True})

    def close_approved(self, people_from: dict[str, Any], **triage: Any) -> str:
        """Refer, triage to case management, one review, closure approved: the family's reference."""
        ref = people_from["family_ref"]
        self.triage(ref, people_from["people"], **triage)
        self.case_management_to_closure(ref, people_from["people"])
        self.approve(ref)
        return str(ref)

    def audit(self, ref: str, stage: int, result: str = "pass", **extra: Any) -> None:
        who = {1: "tf1", 2: "pm1", 3: "co1"}[stage]
        body: dict[str, Any] = {"result": result, **extra}
        if result == "fail":
            body["reasons"] = "Evidence missing."
        self.do(ref, f"audit_stage_{stage}", who, body)

    def window(self, window_id: int, as_: str = "tf1") -> dict[str, Any]:
        return self.ok(self.api.get(f"/api/v1/claim-windows/{window_id}", as_=as_))  # type: ignore[no-any-return]

    def batch_task(self, window: dict[str, Any]) -> dict[str, Any]:
        page = self.ok(self.api.get(f"/api/v1/tasks?instance_id={window['instance_id']}&bpmn_id=review_batch",
                                    as_="tf1"))
        assert len(page["items"]) == 1, page
        return page["items"][0]  # type: ignore[no-any-return]

    def submit_batch(self, window: dict[str, Any], decision: str = "submit") -> None:
        task = self.batch_task(window)
        body = {"decision": decision} if decision == "submit" else {"decision": decision, "reasons": "Wait."}
        self.ok(self.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="tf1", json={"data": body}))

    def instance(self, instance_id: int) -> dict[str, Any]:
        return self.ok(self.api.get(f"/api/v1/instances/{instance_id}", as_="admin"))  # type: ignore[no-any-return]

    def today(self) -> str:
        now = self.ok(self.api.get("/api/v1/clock", as_="admin"))["now"]
        return str(now)[:10]

    def claim_window(self, name: str, cutoff: str, closes: str) -> dict[str, Any]:
        return self.ok(self.api.post("/api/v1/admin/claim-windows", as_="admin",  # type: ignore[no-any-return]
                                     json={"name": name, "local_cutoff_at": cutoff, "closes_at": closes}), 201)


@pytest.fixture
def journey(api: Api) -> Journey:
    for group in GROUPS:
        ensure_group(db.session, group)
    ensure_team(db.session, TEAM, "Newark Early Help Case Management")
    db.session.flush()
    db.session.add(TeamSetting(team_id=TEAM, district="newark_and_sherwood", review_every_months=3))
    db.session.commit()
    api.user("partner", "referrer")
    api.user("ehu1", "early_help_unit")
    api.user("tm1", "team_manager", teams=(TEAM,))
    api.user("cm1", "case_manager", teams=(TEAM,))
    api.user("cm2", "case_manager", teams=(TEAM,))
    api.user("pft1", "parenting_family_team")
    api.user("tf1", "tf_team")
    api.user("pm1", "tf_project_manager")
    api.user("co1", "tf_coordinator")
    files = {p.name: p.read_bytes() for p in sorted(BUNDLE.glob("*.bpmn"))}
    get_engine().deploy(files, Actor("setup", frozenset({"admin"})))
    journey = Journey(api)
    journey.clock(set=START)
    return journey
