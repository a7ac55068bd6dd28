"""A closure summary returned twice: the case manager's form starts from their last answers, and both
the task page and the manager's approval page show every return, who made it, when and why (the real
lifecycle)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Accessibility, give_passwords, release, sign_in
from tests.fixtures.lifecycle import Journey


def _returns(page: Any) -> list[tuple[str, str, str]]:
    """(byline, date, reasons) of each item of the history of returns, newest first."""
    return [(" ".join(item.locator(".moj-timeline__byline").inner_text().split()),
             item.locator(".moj-timeline__date time").get_attribute("datetime") or "",
             " ".join(item.locator(".moj-timeline__description").inner_text().split()))
            for item in page.locator("#returns .moj-timeline__item").all()]


def _return(journey: Journey, ref: str, reasons: str) -> None:
    journey.do(ref, "approve_closure", "tm1", {"decision": "return", "reasons": reasons})


def test_a_returned_closure_summary_keeps_the_answers_and_shows_every_return(
        page: Any, journey: Journey, audit: Accessibility) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people)
    journey.case_management_to_closure(ref, people)
    _return(journey, ref, "Add the school's letter to the evidence.")
    journey.travel("P1D")
    rewrite = journey.task(ref, "write_closure", "cm1")
    journey.ok(journey.api.post(f"/api/v1/tasks/{rewrite['id']}/complete", as_="cm1", json={"data": {
        "closed_on": journey.today(), "summary": "Better progress: the school's letter is on file.",
        "evidence": "School letter of 2 April.", "outcomes": [
            {"person_id": people[0]["person_id"], "indicator": 22, "achieved": True, "evidence": "Police log."},
            {"person_id": people[1]["person_id"], "indicator": 7, "achieved": False, "evidence": "Attendance 85%."}]}}))
    journey.travel("P1D")
    _return(journey, ref, "Say why attendance was not achieved.")
    again = journey.task(ref, "write_closure", "cm1")
    give_passwords("tm1", "cm1")

    sign_in(page, audit, "cm1", next_path=f"/tasks/{again['id']}")
    page.wait_for_selector("#task-form")
    # The answers given last time, not a blank form.
    assert page.input_value("#summary") == "Better progress: the school's letter is on file."
    assert page.input_value("#evidence") == "School letter of 2 April."
    assert [page.input_value(f"#closed_on-{part}") for part in ("day", "month", "year")] == ["2", "4", "2027"]
    assert page.input_value("#outcomes-0-evidence") == "Police log."
    assert page.input_value("#outcomes-1-evidence") == "Attendance 85%."
    assert page.locator("input[name='outcomes-1-achieved'][value='false']").is_checked()
    assert "Your answers from before it was returned are filled in." in page.inner_text("main")
    history = _returns(page)
    assert [(by, reasons) for by, _, reasons in history] == [
        ("by tm1", "Say why attendance was not achieved."), ("by tm1", "Add the school's letter to the evidence.")]
    assert history[0][1] > history[1][1]  # newest first, each dated
    audit(page)
    page.fill("#outcomes-1-evidence", "Attendance 85%: a long illness, letter from the GP.")
    page.get_by_role("button", name="Complete task", exact=True).click()
    page.wait_for_selector(".govuk-notification-banner--success")
    release()

    # The manager decides with every earlier return in front of them.
    approval = journey.task(ref, "approve_closure", "tm1")
    page.context.clear_cookies()
    sign_in(page, audit, "tm1", next_path=f"/tasks/{approval['id']}")
    page.wait_for_selector("#closure-outcomes")
    assert [(by, reasons) for by, _, reasons in _returns(page)] == [
        ("by tm1", "Say why attendance was not achieved."), ("by tm1", "Add the school's letter to the evidence.")]
    assert "Attendance 85%: a long illness, letter from the GP." in page.inner_text("#closure-outcomes")
    audit(page)
    release()
