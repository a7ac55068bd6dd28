"""The manager decides on the closure with the summary in front of them, and a returned summary shows
the manager's reasons to the case manager (the real lifecycle)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Accessibility, give_passwords, release, sign_in
from tests.fixtures.lifecycle import Journey


def _cells(page: Any, selector: str) -> list[list[str]]:
    return [[" ".join(c.split()) for c in row.locator("th, td").all_inner_texts()]
            for row in page.locator(f"{selector} tbody tr").all()]


def test_approval_shows_the_summary_and_outcomes_against_the_plan_and_a_return_shows_its_reasons(
        page: Any, journey: Journey, audit: Accessibility) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people)
    journey.case_management_to_closure(ref, people)
    approval = journey.task(ref, "approve_closure", "tm1")
    give_passwords("tm1", "cm1")
    sign_in(page, audit, "tm1", next_path=f"/tasks/{approval['id']}")
    page.wait_for_selector("#closure-outcomes")
    rows = page.locator("main .govuk-summary-list").nth(1).locator(".govuk-summary-list__row")
    shown = {" ".join(r.locator("dt").inner_text().split()): " ".join(r.locator("dd").inner_text().split())
             for r in rows.all()}
    assert shown == {"Date the case closed": "1 April 2027", "Closure summary": "Good progress.",
                     "Supporting evidence": "On file."}
    outcomes = _cells(page, "#closure-outcomes")
    assert [row[1:] for row in outcomes] == [
        ["Progress on indicator 22", "Achieved", "Recorded on the case file."],  # the plan has one for each
        ["Progress on indicator 7", "Achieved", "Recorded on the case file."]]
    assert outcomes[1][0].startswith("Alex Smith: 7.")
    audit(page)
    page.check("input[name=decision][value=return]")
    page.fill("#reasons", "Add the school's letter to the evidence.")
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    release()
    rewrite = journey.task(ref, "write_closure", "cm1")
    page.context.clear_cookies()
    sign_in(page, audit, "cm1", next_path=f"/tasks/{rewrite['id']}")
    page.wait_for_selector("h1")
    assert "Returned by the manager: Add the school's letter to the evidence." in page.inner_text("main")
    audit(page)
    release()
