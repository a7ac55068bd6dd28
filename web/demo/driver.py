"""The demo's hands: a replay clock and a driver that refers, triages, plans, reviews and closes families
through the REST API, as the people in each group would (nothing is inserted into workflow tables)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from flask import Flask

from engine.clock import add_iso_duration
from forms.choices import DISTRICTS
from forms.rules import add_months
from web.council import review_months, team_id
from web.timers import sweep_once

GIVEN = ["Sam", "Alex", "Jo", "Chris", "Kim", "Lee", "Ash", "Robin", "Jamie", "Casey", "Dana", "Morgan"]
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Walker", "Wright", "Hall", "Green", "Wood", "Clarke"]


class ReplayClock:
    """The demo's own time: starts in the past and only moves when the demo moves it."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, duration: str) -> None:
        self.current = add_iso_duration(self.current, duration)


class Demo:
    """The demo's people at work: each method is one step of a family's journey, done through the API."""

    def __init__(self, app: Flask, tokens: dict[str, str], clock: ReplayClock, seed: int = 7) -> None:
        self.client = app.test_client()
        self.tokens, self.clock, self.random = tokens, clock, random.Random(seed)
        self.families: list[dict[str, Any]] = []

    def call(self, method: str, url: str, as_: str, body: Any = None) -> Any:
        response = self.client.open(url, method=method, json=body,
                                    headers={"Authorization": f"Bearer {self.tokens[as_]}"})
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {url} as {as_}: {response.status_code} {response.get_json()}")
        return response.get_json()

    def travel(self, duration: str) -> None:
        self.clock.advance(duration)
        sweep_once(batch=1000)

    def today(self) -> str:
        return self.clock.now().date().isoformat()

    def refer(self) -> dict[str, Any]:
        district = self.random.choice(DISTRICTS)[0]
        surname = self.random.choice(SURNAMES)
        body = {
            "referrer": {"name": "Pat Partner", "organisation": "Meadow Primary School", "email": "pat@example.org"},
            "household": [
                {"given_name": self.random.choice(GIVEN), "family_name": surname, "date_of_birth": "1986-04-12",
                 "relationship": "Mother", "role": "adult"},
                {"given_name": self.random.choice(GIVEN), "family_name": surname, "date_of_birth": "2013-10-03",
                 "relationship": "Son", "role": "child"},
            ],
            "address": {"line_1": f"{self.random.randint(1, 200)} Station Road", "town": "Newark",
                        "postcode": "NG24 1AB"},
            "district": district,
            "reasons": "Poor school attendance and police call-outs to the home.",
            "consent": True,
        }
        answer = self.call("POST", "/api/v1/referrals", "partner", body)
        family = {"ref": answer["family_ref"], "people": [p["person_id"] for p in answer["people"]],
                  "team": team_id(district), "district": district}
        self.families.append(family)
        return family

    def do(self, family: dict[str, Any], bpmn_id: str, as_: str, data: dict[str, Any]) -> None:
        page = self.call("GET", f"/api/v1/tasks?family_ref={family['ref']}&bpmn_id={bpmn_id}", as_)
        self.call("POST", f"/api/v1/tasks/{page['items'][0]['id']}/complete", as_, {"data": data})

    def triage(self, family: dict[str, Any], route: str, indicators: tuple[int, ...] = (22, 7),
               match: str = "new") -> None:
        adult, child = family["people"]
        rows = [{"person_id": adult if n in (16, 22) else child, "indicator": n, "evidence": "From the referral"}
                for n in indicators]
        if match == "new":  # what the plan must target and the closure record (a match keeps its own)
            family["indicators"] = [(row["person_id"], n) for row, n in zip(rows, indicators, strict=True)]
        extra = {"signposted_to": "Citizens Advice"} if route.startswith("signpost") else {}
        self.do(family, "triage_referral", "ehu1", {"match": match, "route": route, "indicators": rows, **extra})

    def allocate(self, family: dict[str, Any]) -> None:
        self.do(family, "allocate", f"tm-{family['team']}", {"case_manager": f"cm-{family['team']}",
                                                              "team": family["team"]})

    def assess_and_plan(self, family: dict[str, Any]) -> None:
        cm = f"cm-{family['team']}"
        self.do(family, "assess", cm, {"assessed_on": self.today(), "all_members_included": True,
                                       "summary": "Whole-family assessment completed at home."})
        by = (self.clock.now() + timedelta(days=120)).date().isoformat()
        self.do(family, "plan", cm, {"agreed_on": self.today(), "review_date": self.next_review(family),
                                     "targets": self.targets(family, by)})

    def next_review(self, family: dict[str, Any]) -> str:
        """The last day of the team's review cadence: the latest the forms accept without a reason."""
        return add_months(self.clock.now().date(), review_months(family["district"])).isoformat()

    @staticmethod
    def targets(family: dict[str, Any], by: str) -> list[dict[str, Any]]:
        """A SMART target for each indicator triage identified (the plan forms want one each)."""
        return [{"indicator": n, "person_id": person, "target": f"Agreed progress on indicator {n}", "by_date": by}
                for person, n in family["indicators"]]

    def review(self, family: dict[str, Any], ready: bool, bpmn_id: str = "review") -> None:
        body: dict[str, Any] = {"reviewed_on": self.today(), "ready_to_close": ready, "next_steps": "Continue.",
                                "progress": [{"person_id": family["people"][1], "indicator": 7,
                                              "status": "on_track", "evidence": "Attendance 93%"}]}
        if not ready:
            body["review_date"] = self.next_review(family)
        self.do(family, bpmn_id, f"cm-{family['team']}" if bpmn_id == "review" else "pft1", body)

    def closure(self, family: dict[str, Any], bpmn_id: str = "write_closure", as_: str | None = None) -> None:
        outcomes = [{"person_id": person, "indicator": n, "achieved": True, "evidence": "Recorded on the case file"}
                    for person, n in family["indicators"]]  # exactly the plan's indicators
        self.do(family, bpmn_id, as_ or f"cm-{family['team']}", {
            "closed_on": self.today(), "summary": "Significant progress.", "outcomes": outcomes,
            "evidence": "Attendance certificates and police data on the case record."})

    def approve(self, family: dict[str, Any], decision: str = "approve", *, pft: bool = False) -> None:
        """Case management's team manager, or (``pft``) the Parenting and Family Team manager, signs off."""
        body = {"decision": decision, "evidence_checked": True} if decision == "approve" else {
            "decision": "return", "reasons": "Add the police data for the last quarter."}
        if pft:
            self.do(family, "pft_approve_closure", "pftm1", body)
        else:
            self.do(family, "approve_closure", f"tm-{family['team']}", body)
