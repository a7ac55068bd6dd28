"""The TF team's task pages show the family they are about, read as the case page reads it, the batch
review names every family of its batch and links to its window, and the TF inbox shows each audit's
district and offers only the task types its groups do, each name once."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Accessibility, give_passwords, release, sign_in
from tests.fixtures.lifecycle import Journey

CUTOFF, CLOSES = "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00"


def _task_url(journey: Journey, ref: str, bpmn_id: str, who: str) -> str:
    return f"/tasks/{journey.task(ref, bpmn_id, who)['id']}"


def _aside_shows_the_family(page: Any) -> str:
    aside = page.inner_text("aside")
    assert "No household recorded yet" not in aside and "None identified yet" not in aside, aside
    assert "Sam Smith" in aside and "Alex Smith" in aside  # the household
    assert "Domestic violence and abuse" in aside and "Child persistently absent from school" in aside  # indicators
    return str(aside)


def test_the_tf_pages_show_the_family_and_the_batch_its_families(page: Any, journey: Journey,
                                                                 audit: Accessibility) -> None:
    first, second = sorted(journey.close_approved(journey.refer()) for _ in range(2))
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")  # the windows sustained, the cut-off passed: the audits are open
    give_passwords("tf1", "pm1", "co1")

    # The data check of a newly identified family (the TF team's alert), still waiting.
    sign_in(page, audit, "tf1")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(_task_url(journey, first, "check_identified_family", "tf1"))
    page.wait_for_selector("aside")
    _aside_shows_the_family(page)
    audit(page)

    page.goto(_task_url(journey, first, "audit_stage_1", "tf1"))
    page.wait_for_selector("aside")
    aside = _aside_shows_the_family(page)
    assert "Outcomes" in aside and "Sustained" in aside  # the outcomes the claim rests on
    audit(page)
    journey.audit(first, 1)
    journey.audit(second, 1)
    [picked] = journey.window(window["id"])["sample"]["picks"]
    journey.audit(picked, 2, refer_to_stage_3=True)
    release()

    # Stage 3 for the Coordinator, then the batch review for the team.
    page.context.clear_cookies()
    sign_in(page, audit, "co1")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(_task_url(journey, picked, "audit_stage_3", "co1"))
    page.wait_for_selector("aside")
    _aside_shows_the_family(page)
    audit(page)
    journey.audit(picked, 3)
    release()

    page.context.clear_cookies()
    sign_in(page, audit, "tf1")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(f"/tasks/{journey.batch_task(journey.window(window['id']))['id']}")
    page.wait_for_selector("aside")
    aside = page.inner_text("aside")
    assert "The families in this batch" in aside
    links = page.locator("#batch-families a")
    assert [links.nth(n).inner_text() for n in range(links.count())] == [first, second]
    assert links.nth(1).get_attribute("href") == f"/families/{second}"
    audit(page)
    page.get_by_role("link", name="View the claim window").click()
    page.wait_for_url(f"**/tf/claim-windows/{window['id']}")
    assert "2028 December" in page.inner_text("h1")


def test_the_tf_inbox_shows_audit_districts_and_only_its_task_types(page: Any, journey: Journey,
                                                                   audit: Accessibility) -> None:
    journey.close_approved(journey.refer())
    journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    give_passwords("tf1")
    sign_in(page, audit, "tf1", next_path="/inbox?tab=available")
    page.wait_for_url("**/inbox**")
    rows = page.locator("table tbody tr")
    audits = [rows.nth(n).inner_text() for n in range(rows.count()) if "Stage 1 audit" in rows.nth(n).inner_text()]
    assert len(audits) == 1 and "Newark and Sherwood" in audits[0], audits
    options = page.locator("#filter-type option").all_inner_texts()
    assert options == ["Any task", "Check the newly identified family's data",
                       "Provide the evidence the audit found missing (family closed)",
                       "Review and submit the claim batch", "Stage 1 audit", "Verify continuous employment"]
    audit(page)
    page.select_option("#filter-type", label="Stage 1 audit")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**type=audit_stage_1**")
    assert page.locator("table tbody tr").count() == 1

    # An administrator may do every task: each name once, the same-named evidence tasks of the case
    # manager, the PFT and the Early Help Unit one choice that finds all three.
    page.context.clear_cookies()
    give_passwords("admin")
    sign_in(page, audit, "admin", next_path="/inbox")
    page.wait_for_url("**/inbox**")
    options = page.locator("#filter-type option").all_inner_texts()
    assert options.count("Provide the evidence the audit found missing") == 1, options
    assert len(options) == len(set(options)) and "Triage the referral" in options, options
