"""A team manager returns a closure summary once, then approves the revised one (the real lifecycle)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.models import HumanTask, HumanTaskField
from tests.browser.conftest import Accessibility, give_passwords, release, sign_in
from tests.fixtures.lifecycle import Journey
from web.extensions import db
from workflows.models import Family

APPROVAL = "Approve or return the closure summary"
REASONS = "Add the police data for the last quarter before this can close."


def open_approval(page: Any, ref: str, audit: Accessibility) -> None:
    page.goto("/inbox")
    page.get_by_role("link", name="Tasks I can pick up").click()
    audit(page)
    page.get_by_role("link", name=f"{APPROVAL} {ref}").click()
    page.wait_for_selector("h1")
    audit(page)


def approval_tasks(ref: str) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(HumanTask.state, HumanTask.completed_by)
        .join(HumanTaskField, HumanTaskField.task_id == HumanTask.id)
        .where(HumanTask.bpmn_id == "approve_closure", HumanTaskField.name == "family_ref", HumanTaskField.value == ref)
        .order_by(HumanTask.created_at, HumanTask.id)).all()
    release()
    return [(state, who or "") for state, who in rows]


def test_a_team_manager_returns_a_closure_summary_then_approves_it(page: Any, journey: Journey,
                                                                   audit: Accessibility) -> None:
    referral = journey.refer()
    ref, people = referral["family_ref"], referral["people"]
    journey.triage(ref, people)
    journey.case_management_to_closure(ref, people)  # cm1's closure summary is written
    give_passwords("tm1")

    sign_in(page, audit, "tm1")
    page.wait_for_url("**/inbox")
    audit(page)
    open_approval(page, ref, audit)
    # Nothing chosen: the GOV.UK error summary names the missing decision, and nothing is decided.
    page.get_by_role("button", name="Complete task").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert summary.locator(".govuk-error-summary__title").inner_text() == "There is a problem"
    assert summary.locator(".govuk-error-summary__list a").all_inner_texts() == [
        "Select whether to approve or return the closure summary"]
    assert page.title().startswith("Error: ")
    audit(page)
    assert approval_tasks(ref) == [("open", "")]
    # Returned with a reason: the summary goes back to the case manager.
    page.check("input[name=decision][value=return]")
    page.fill("#reasons", REASONS)
    audit(page)
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_url("**/inbox")
    assert f"Task completed: {APPROVAL}" in page.inner_text("main")
    audit(page)
    assert approval_tasks(ref) == [("completed", "tm1")]
    assert journey.family(ref)["closure_approved_at"] is None
    rewrite = journey.task(ref, "write_closure", "cm1")
    assert rewrite["assignee"] == "cm1"

    journey.closure_summary(ref, people, (22, 7))  # cm1 adds the evidence and sends it again
    release()
    open_approval(page, ref, audit)
    page.check("input[name=decision][value=approve]")
    page.check("input[name=evidence_checked]")
    audit(page)
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_url("**/inbox")
    assert f"Task completed: {APPROVAL}" in page.inner_text("main")
    audit(page)

    family = journey.family(ref)
    assert family["status"] == "closed" and family["closure_approved_at"] is not None
    row = db.session.scalars(select(Family).where(Family.ref == ref)).one()
    assert row.closure_approved_at is not None
    assert approval_tasks(ref) == [("completed", "tm1"), ("completed", "tm1")]
    # Gone from every tab of the manager's inbox.
    for tab in ("mine", "available", "team", "overdue"):
        page.goto(f"/inbox?tab={tab}")
        assert page.get_by_role("link", name=f"{APPROVAL} {ref}").count() == 0, tab
    audit(page)
