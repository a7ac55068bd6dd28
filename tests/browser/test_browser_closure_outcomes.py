"""A case manager's closure summary must have an outcome for each indicator in the plan: one left out is
said on the outcomes, the answers stay, and the task stays open."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Accessibility, give_passwords, release, sign_in
from tests.fixtures.lifecycle import TEAM, Journey


def test_a_closure_missing_an_outcome_shows_the_error_on_the_field(page: Any, journey: Journey,
                                                                    audit: Accessibility) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people)  # 22 for Sam Smith, 7 for Alex Smith
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    journey.do(ref, "assess", "cm1", {"assessed_on": "2027-03-01", "all_members_included": True,
                                      "summary": "Whole family assessed."})
    journey.do(ref, "plan", "cm1", {"agreed_on": "2027-03-01", "review_date": "2027-06-01",
                                    "targets": journey.plan_targets(ref, people)})
    journey.travel("P1M")
    journey.do(ref, "review", "cm1", {"reviewed_on": journey.today(), "next_steps": "Close.", "ready_to_close": True,
                                      "progress": [{"person_id": people[1]["person_id"], "indicator": 7,
                                                    "status": "achieved", "evidence": "Attendance 95%"}]})
    closure = journey.task(ref, "write_closure", "cm1")
    release()
    give_passwords("cm1")

    sign_in(page, audit, "cm1", next_path=f"/tasks/{closure['id']}")
    page.wait_for_selector("#closed_on-day")
    page.fill("#closed_on-day", "1")
    page.fill("#closed_on-month", "4")
    page.fill("#closed_on-year", "2027")
    page.fill("#summary", "Attendance is back above 95%.")
    page.select_option("#outcomes-0-person_id", label="Alex Smith")
    page.select_option("#outcomes-0-indicator", "7")
    page.check("input[name=outcomes-0-achieved][value=true]")
    page.fill("#outcomes-0-evidence", "Attendance certificate for the spring term")
    page.fill("#evidence", "On the case record.")
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_selector(".govuk-error-summary")
    message = "Add an outcome for each indicator in the plan: there is none for indicator 22 for Sam Smith"
    assert page.inner_text(".govuk-error-summary__list").strip() == message
    assert " ".join(page.inner_text("#outcomes .govuk-error-message").split()) == f"Error: {message}"
    assert page.input_value("#outcomes-0-evidence") == "Attendance certificate for the spring term"
    assert page.input_value("#summary") == "Attendance is back above 95%."
    audit(page)
    release()
    assert journey.task(ref, "write_closure", "cm1")["id"] == closure["id"]  # the same task, still open
    assert journey.family(ref)["outcomes"] == [] and journey.family(ref)["status"] == "open"
