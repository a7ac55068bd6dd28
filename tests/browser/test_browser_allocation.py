"""A team manager allocates a case manager: only the allocating team's case managers, each with their
caseload, and a case manager of another team refused by the server (the real lifecycle)."""

from __future__ import annotations

from typing import Any

from engine.identity import ensure_team
from tests.browser.conftest import Accessibility, give_passwords, release, sign_in
from tests.fixtures.lifecycle import TEAM, Journey
from web.extensions import db
from workflows.models import Family


def test_allocation_offers_the_teams_case_managers_with_their_caseload(page: Any, journey: Journey,
                                                                      audit: Accessibility) -> None:
    ensure_team(db.session, "bassetlaw-ehcm", "Bassetlaw Early Help Case Management")
    db.session.commit()
    journey.api.user("cm-bassetlaw", "case_manager", teams=("bassetlaw-ehcm",))
    earlier = journey.refer()
    journey.triage(earlier["family_ref"], earlier["people"])
    journey.do(earlier["family_ref"], "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    referral = journey.refer()
    ref = referral["family_ref"]
    journey.triage(ref, referral["people"])
    task = journey.task(ref, "allocate", "tm1")
    give_passwords("tm1")
    sign_in(page, audit, "tm1", next_path=f"/tasks/{task['id']}")
    page.wait_for_selector("#case_manager")
    options = [o.strip() for o in page.locator("#case_manager option").all_inner_texts() if o.strip()]
    assert options[-2:] == ["cm1 (caseload 1)", "cm2 (caseload 0)"] and len(options) in (2, 3)  # a blank first
    assert page.locator("#team option[value='bassetlaw-ehcm']").count() == 0
    audit(page)
    release()
    # The server refuses what the page no longer offers: nothing is written, the task stays open.
    refused = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="tm1", json={"data": {
        "case_manager": "cm-bassetlaw", "team": TEAM}})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"] == {"case_manager": [
        f"Select a case manager of the team {TEAM}: cm-bassetlaw is not one"]}
    other_team = journey.api.post(f"/api/v1/tasks/{task['id']}/complete", as_="tm1", json={"data": {
        "case_manager": "cm-bassetlaw", "team": "bassetlaw-ehcm"}})
    assert other_team.get_json()["error"]["details"] == {"team": [
        f"Select the team the family's case management belongs to ({TEAM})"]}
    family = db.session.query(Family).filter(Family.ref == ref).one()
    assert family.case_manager is None
    release()
    assert journey.task(ref, "allocate", "tm1")["state"] == "open"
