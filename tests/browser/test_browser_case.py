"""A case manager opens the case page of a family part-way through case management (the real lifecycle)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Accessibility, give_passwords, sign_in
from tests.fixtures.lifecycle import TEAM, Journey


def _family_part_way(journey: Journey) -> str:
    """Three headline issues, continuous employment verified (a running window), a plan, one review."""
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    mother, son = people[0]["person_id"], people[1]["person_id"]
    journey.triage(ref, people, indicators=(16, 22, 7))
    journey.do(ref, "check_identified_family", "tf1", {"data_checked": True})
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    payload = {"family_ref": ref, "person_id": mother, "benefit": "jsa", "off_benefit_on": "2027-03-01",
               "employment_started_on": "2027-03-01"}
    journey.ok(journey.api.post("/api/v1/messages", as_="cm1", json={
        "name": "continuous_employment", "correlation": {"family_ref": ref}, "payload": payload}))
    journey.do(ref, "verify_employment", "tf1", {"person_id": mother, "benefit": "jsa", "verified": True,
                                                 "employment_started_on": "2027-03-01",
                                                 "off_benefit_on": "2027-03-01", "evidence": "DWP data match"})
    journey.do(ref, "assess", "cm1", {"assessed_on": "2027-03-01", "all_members_included": True,
                                      "summary": "Whole family assessed at home."})
    journey.do(ref, "plan", "cm1", {"agreed_on": "2027-03-01", "review_date": "2027-06-01", "targets": [
        {"indicator": 7, "person_id": son, "target": "Attendance over 90% this term", "by_date": "2027-07-20"},
        {"indicator": 22, "person_id": mother, "target": "Safety plan agreed with the police and the school",
         "by_date": "2027-05-01"},
        {"indicator": 16, "person_id": mother, "target": "Keep the job she started in March",
         "by_date": "2027-07-20"}]})
    journey.travel("P1M")
    journey.do(ref, "review", "cm1", {"reviewed_on": journey.today(), "review_date": "2027-07-01",
                                      "next_steps": "Keep the attendance support; meet the school in May.",
                                      "ready_to_close": False, "progress": [
                                          {"person_id": son, "indicator": 7, "status": "on_track",
                                           "evidence": "Attendance 93% since February half-term"},
                                          {"person_id": mother, "indicator": 22, "status": "some_progress",
                                           "evidence": "Safety plan drafted, no call-outs since March"}]})
    return str(ref)


def test_a_case_manager_sees_where_the_family_is_on_its_case_page(page: Any, screenshot: Any, journey: Journey,
                                                                  audit: Accessibility) -> None:
    ref = _family_part_way(journey)
    give_passwords("cm1")
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, audit, "cm1")
    page.wait_for_url("**/inbox")
    page.goto(f"/families/{ref}")
    page.wait_for_selector('[data-case-diagram] svg [data-element-id="review"]')
    # The current step carries the marker and its "Now" badge; completed steps are marked too.
    assert page.locator('.djs-element.app-step--current[data-element-id="review"]').count() == 1
    assert page.locator('.djs-element.app-step--completed[data-element-id="plan"]').count() == 1
    assert page.locator(".app-step-badge").first.inner_text() == "Now"
    main = page.inner_text("main")
    assert page.locator("#diagram-choice option:checked").inner_text() == "Early Help Case Management (now)"
    assert page.locator("[data-diagram-error]").is_hidden()
    assert "Attendance over 90% this term" in main and "Some progress" in main
    assert "Worklessness, NEET and financial exclusion" in main and "days to go" in main
    assert "Review the action plan: waiting for cm1" in main
    page.wait_for_function("document.querySelector('[data-case-diagram]').dataset.shown !== undefined")
    audit(page)
    screenshot(page, "case-page.png")
    # Switching to the referral journey draws it, the case management call activity running in it.
    journey_option = page.locator("#diagram-choice option", has_text="referral")
    page.select_option("#diagram-choice", journey_option.get_attribute("value"))
    page.wait_for_selector('.djs-element.app-step--current[data-element-id="case_management"]')
    assert page.locator('.djs-element.app-step--completed[data-element-id="triage_referral"]').count() == 1
    audit(page)
    assert problems == []
