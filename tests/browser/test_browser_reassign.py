"""A team manager reassigns the case manager: the family is handed over for every later task, the case
page names the new case manager, and the old one can no longer open the family (the real lifecycle)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Accessibility, give_passwords, release, sign_in
from tests.fixtures.lifecycle import TEAM, Journey


def _fill_date(page: Any, prefix: str, day: str, month: str, year: str) -> None:
    page.fill(f"#{prefix}-day", day)
    page.fill(f"#{prefix}-month", month)
    page.fill(f"#{prefix}-year", year)


def _fill_target(page: Any, index: int, person_id: str, indicator: str, target: str) -> None:
    page.select_option(f"#targets-{index}-person_id", person_id)
    page.select_option(f"#targets-{index}-indicator", indicator)
    page.fill(f"#targets-{index}-target", target)
    _fill_date(page, f"targets-{index}-by_date", "20", "7", "2027")


def test_reassigning_the_case_manager_hands_the_family_over_for_every_later_task(
        page: Any, journey: Journey, audit: Accessibility) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people)
    journey.do(ref, "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    journey.do(ref, "assess", "cm1", {"assessed_on": "2027-03-01", "all_members_included": True,
                                      "summary": "Whole family assessed."})
    plan = journey.task(ref, "plan", "tm1")
    assert plan["assignee"] == "cm1"
    give_passwords("tm1", "cm2")

    # The team manager reassigns the plan from the team's tasks.
    sign_in(page, audit, "tm1", next_path="/inbox?tab=team")
    page.wait_for_selector(f"#select-{plan['id']}")
    page.check(f"#select-{plan['id']}")
    page.select_option("#assignee", "cm2")
    page.get_by_role("button", name="Assign selected tasks").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert "assigned to cm2" in page.inner_text(".govuk-notification-banner--success")
    audit(page)
    release()
    assert journey.task(ref, "plan", "tm1")["assignee"] == "cm2"

    # The new case manager sees the plan's form and completes it.
    page.context.clear_cookies()
    sign_in(page, audit, "cm2", next_path=f"/tasks/{plan['id']}")
    page.wait_for_selector("#task-form")
    audit(page)
    _fill_date(page, "agreed_on", "1", "3", "2027")
    _fill_date(page, "review_date", "1", "6", "2027")
    _fill_target(page, 0, people[1]["person_id"], "7", "Attendance over 90%")
    page.get_by_role("button", name="Add another targets item").click()
    page.wait_for_selector("#targets-1-target")
    _fill_target(page, 1, people[0]["person_id"], "22", "No police call-outs")
    page.get_by_role("button", name="Complete task", exact=True).click()
    page.wait_for_selector(".govuk-notification-banner--success")
    release()

    # The next review goes to the new case manager, not back to the old one.
    journey.travel("P1M")
    review = journey.task(ref, "review", "tm1")
    assert review["assignee"] == "cm2"

    # The case page names the new case manager and says who handed over (a month on: signed in again).
    page.context.clear_cookies()
    sign_in(page, audit, "cm2", next_path=f"/families/{ref}")
    page.wait_for_selector("h1")
    rows = page.locator("main .govuk-summary-list").first.locator(".govuk-summary-list__row")
    shown = {" ".join(r.locator("dt").inner_text().split()): " ".join(r.locator("dd").inner_text().split())
             for r in rows.all()}
    assert shown["Case manager"] == "cm2"
    assert "Case manager changed to cm2" in page.inner_text("main")
    audit(page)
    release()

    # The old case manager no longer reads the family; the new one does.
    assert journey.api.get(f"/api/v1/families/{ref}", as_="cm1").status_code == 404
    assert journey.api.get(f"/api/v1/families/{ref}", as_="cm2").status_code == 200
