"""The Early Help Unit triages a referral from the inbox (the real lifecycle, workflows/bpmn)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Accessibility, give_passwords, release, sign_in
from tests.fixtures.lifecycle import Journey


def test_the_early_help_unit_triages_a_referral_from_the_inbox(page: Any, journey: Journey,
                                                              audit: Accessibility) -> None:
    referral = journey.refer()
    ref = referral["family_ref"]
    give_passwords("ehu1")
    sign_in(page, audit, "ehu1")
    page.wait_for_url("**/inbox")
    page.get_by_role("link", name="Tasks I can pick up").click()
    audit(page)
    page.get_by_role("link", name=f"Triage the referral {ref}").click()
    page.wait_for_selector("h1")
    assert "Sam Smith" in page.inner_text("aside")
    audit(page)
    page.fill("#match", "new")
    page.select_option("#indicators-0-person_id", label="Alex Smith")
    page.select_option("#indicators-0-indicator", "7")
    page.fill("#indicators-0-evidence", "Attendance 82% this term")
    page.get_by_role("button", name="Add another").click()
    page.select_option("#indicators-1-person_id", label="Sam Smith")
    page.select_option("#indicators-1-indicator", "22")
    page.fill("#indicators-1-evidence", "Two police call-outs since January")
    page.check("input[name=route][value=case_management]")
    audit(page)
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_url("**/inbox")
    assert "Task completed: Triage the referral" in page.inner_text("main")
    audit(page)
    allocation = journey.task(ref, "allocate", "tm1")  # the family went on to case management
    release()
    assert allocation["state"] == "open"


def test_a_match_to_an_unknown_family_is_an_error_on_the_triage_page_and_the_answers_stay(
        page: Any, journey: Journey, audit: Accessibility) -> None:
    ref = journey.refer()["family_ref"]
    triage = journey.task(ref, "triage_referral", "ehu1")
    give_passwords("ehu1")
    sign_in(page, audit, "ehu1", next_path=f"/tasks/{triage['id']}")
    page.wait_for_selector("#match")
    page.fill("#match", "F-9999-999999")
    page.select_option("#indicators-0-person_id", label="Alex Smith")
    page.select_option("#indicators-0-indicator", "7")
    page.fill("#indicators-0-evidence", "Attendance 82% this term")
    page.check("input[name=route][value=case_management]")
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_selector(".govuk-error-summary")
    message = "No known family has the reference F-9999-999999: enter new, or the reference of the matching family"
    assert page.inner_text(".govuk-error-summary__list").strip() == message
    assert " ".join(page.inner_text("#match-error").split()) == f"Error: {message}"
    assert page.input_value("#match") == "F-9999-999999"
    assert page.input_value("#indicators-0-evidence") == "Attendance 82% this term"
    assert page.input_value("#indicators-0-indicator") == "7"
    audit(page)
    release()
    assert journey.task(ref, "triage_referral", "ehu1")["id"] == triage["id"]  # the same triage, still open


def test_triage_shows_the_whole_referral_and_the_possible_matches_with_their_history(
        page: Any, journey: Journey, audit: Accessibility) -> None:
    known = journey.refer()
    journey.triage(known["family_ref"], known["people"])  # open, in case management
    ref = journey.refer()["family_ref"]  # the same household again
    triage = journey.task(ref, "triage_referral", "ehu1")
    give_passwords("ehu1")
    sign_in(page, audit, "ehu1", next_path=f"/tasks/{triage['id']}")
    page.wait_for_selector("#possible-matches")
    rows = page.locator("main .govuk-summary-list").nth(1).locator(".govuk-summary-list__row")
    shown = {" ".join(r.locator("dt").inner_text().split()): " ".join(r.locator("dd").inner_text().split())
             for r in rows.all()}
    assert shown == {
        "Reasons for the referral": "Alex is often absent from school and there are police call-outs to the home.",
        "Referrer": "Pat Jones, Family liaison, Meadow Primary School",
        "Referrer's contact": "pat.jones@example.org",
        "Address": "1 Station Road, Newark, NG24 1AB",
        "Consent": "The family has consented",
        "Received": "1 March 2027",
    }
    cells = [" ".join(c.split()) for c in page.locator("#possible-matches tbody tr th, #possible-matches tbody tr td")
             .all_inner_texts()]
    assert cells == [known["family_ref"], "Open", "Case management", "1 March 2027, 9:00am"]
    audit(page)
    release()
