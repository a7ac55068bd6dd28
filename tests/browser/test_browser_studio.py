"""A process owner in the studio: uploads a changed case_management with a change note, reads the diff in
words and in pictures, sees a referred family counted on the versions it pinned and where it waits (the
live counts on the diagram), and rolls back; axe checks every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import Accessibility, give_passwords, release, sign_in
from tests.fixtures.lifecycle import Journey

ROOT = Path(__file__).resolve().parents[2]
CASE_MANAGEMENT = (ROOT / "workflows" / "bpmn" / "case_management.bpmn").read_bytes()
CHANGED = CASE_MANAGEMENT.replace(b'<bpmn:userTask id="assess" name="Assess the whole family">',
                                  b'<bpmn:userTask id="assess" name="Assess the family together">')


def live_on(page: Any, process_id: str, number: int) -> str:
    return str(page.inner_text(f'[data-version="{process_id}/{number}"] [data-live]'))


def test_a_process_owner_uploads_compares_and_rolls_back(page: Any, journey: Journey, audit: Accessibility) -> None:
    assert CHANGED != CASE_MANAGEMENT
    give_passwords("owner")
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, audit, "owner")
    page.wait_for_url("**/admin/definitions")
    audit(page)

    page.get_by_role("button", name="Upload process definitions").click()
    page.wait_for_url("**/admin/definitions/upload")
    audit(page)
    page.set_input_files("#files", files=[{"name": "case_management.bpmn", "mimeType": "application/xml",
                                           "buffer": CHANGED}])
    page.fill("#note", "Assessment is done with the whole family together")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/admin/definitions")
    assert "Published case_management version 2" in page.inner_text(".govuk-notification-banner--success")
    assert live_on(page, "case_management", 2) == "0"
    audit(page)

    page.goto("/admin/definitions/case_management/diff?from=1&to=2")
    assert page.inner_text("[data-changes]") == \
        "Task 'Assess the whole family' renamed to 'Assess the family together'"
    page.wait_for_selector("[data-studio-diff][data-marked]")
    assert page.locator('[data-diagram-old] .djs-element.app-diff--changed[data-element-id="assess"]').count() == 1
    assert page.locator('[data-diagram-new] .djs-element.app-diff--changed[data-element-id="assess"]').count() == 1
    assert page.locator("[data-diagram-error]").is_hidden()
    audit(page)

    page.goto("/admin/definitions/family_referral/versions/1")
    page.wait_for_selector("[data-studio-version][data-shown]")
    assert page.locator(".app-live-badge").count() == 0
    assert page.inner_text("[data-live-none]") == "No family is waiting on this version."
    page.goto("/admin/definitions")
    assert live_on(page, "family_referral", 1) == "0"
    journey.refer()  # the new family's referral pins case_management's current version, 2
    release()
    page.goto("/admin/definitions")
    # The list counts the families waiting in each process now: this one waits at triage (and its overdue
    # timer: once), in family_referral; it reaches case_management's version 2 after triage.
    assert (live_on(page, "family_referral", 1), live_on(page, "case_management", 2)) == ("1", "0")
    page.goto("/admin/definitions/family_referral/versions/1")
    page.wait_for_selector("[data-studio-version][data-shown] .app-live-badge")
    # The family waits at triage and at its overdue timer: one badge on each, the same in the table.
    badges = {str(e.get_attribute("data-live-count")): e.inner_text() for e in page.locator("[data-live-count]").all()}
    assert badges == {"triage_referral": "1 waiting", "triage_overdue": "1 waiting"}
    assert page.locator("#live-counts tbody tr").all_inner_texts() == ["Triage overdue\t1", "Triage the referral\t1"]
    audit(page)

    page.goto("/admin/definitions/case_management/versions/1")
    page.wait_for_selector('[data-studio-version][data-shown] [data-element-id="assess"]')
    audit(page)
    assert problems == []
    page.get_by_role("button", name="Make this the current version").click()
    assert page.locator(".govuk-error-summary").inner_text().endswith("Enter a change note: what changed and why")
    assert problems == ["Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"]
    problems.clear()  # the refused form answers 400, which Chromium logs as a console error
    audit(page)
    page.fill("#note", "The old wording matched the practice guidance")
    page.get_by_role("button", name="Make this the current version").click()
    page.wait_for_url("**/admin/definitions/case_management/versions/3")
    assert "now current, with the content of version 1" in page.inner_text(".govuk-notification-banner--success")
    page.wait_for_selector('[data-studio-version][data-shown]')
    audit(page)
    assert problems == []
