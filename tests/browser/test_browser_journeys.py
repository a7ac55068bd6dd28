"""Sign in, complete a task after a validation error, survive a session time-out, reassign, OIDC."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.models import HumanTask
from tests.browser.conftest import Accessibility, release, sign_in
from tests.fixtures.pages import FAMILY, PASSWORD, start
from web.extensions import db
from web.wiring import get_engine


def open_task(instance_id: int) -> str:
    """The open task's id (a plain string: touching an expired row would start a transaction)."""
    task_id = db.session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance_id,
                                                            HumanTask.state == "open")).one()
    release()
    return task_id


def task_row(task_id: str) -> HumanTask:
    row = db.session.get(HumanTask, task_id, populate_existing=True)
    assert row is not None
    release()
    return row


def fill_summary(page: Any) -> None:
    page.fill("#closed_on-day", "10")
    page.fill("#closed_on-month", "1")
    page.fill("#closed_on-year", "2026")
    page.fill("#summary", "Attendance is back above 95% and the family is engaging well.")
    page.select_option("#outcomes-0-person_id", "P2")
    page.select_option("#outcomes-0-indicator", "7")
    page.check("#outcomes-0-achieved")
    page.fill("#outcomes-0-evidence", "School register, autumn term")
    page.fill("#evidence", "Attendance records on the case file")


def test_sign_in_lands_on_the_inbox(page: Any, screenshot: Any, people: None, audit: Accessibility) -> None:
    start()
    start(data={**FAMILY, "family_ref": "F-2027-000002", "district": "mansfield",
                "due_on": "2026-01-12T17:00:00+00:00"})
    release()
    page.goto("/")  # the app opens on the sign-in page
    page.wait_for_url("**/sign-in")
    sign_in(page, audit, "cm1")
    page.wait_for_url("**/inbox")
    assert "Overdue" in page.inner_text("tbody")
    assert page.get_by_role("link", name="Write the closure summary F-2027-000002").is_visible()
    audit(page)
    screenshot(page, "inbox.png")


def test_complete_a_task_after_a_validation_error(page: Any, screenshot: Any, people: None,
                                                  audit: Accessibility) -> None:
    task_id = open_task(start())
    sign_in(page, audit, "cm1")
    page.get_by_role("link", name="Write the closure summary F-2027-000001").click()
    page.wait_for_url(f"**/tasks/{task_id}")
    audit(page)
    page.get_by_role("button", name="Complete task").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter the date the case closed" in summary.inner_text()
    audit(page)
    fill_summary(page)
    screenshot(page, "task.png")
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_url("**/inbox")
    assert "Task completed: Write the closure summary" in page.inner_text("main")
    audit(page)
    assert task_row(task_id).state == "completed"


def test_enter_in_a_field_completes_the_task_rather_than_pressing_remove(page: Any, people: None,
                                                                          audit: Accessibility) -> None:
    task_id = open_task(start())
    sign_in(page, audit, "cm1")
    page.goto(f"/tasks/{task_id}")
    fill_summary(page)
    page.get_by_role("button", name="Add another outcomes item").click()
    page.wait_for_selector("#outcomes-1-evidence")
    audit(page)
    page.press("#closed_on-year", "Enter")  # without the default button, Enter would press a Remove
    page.wait_for_url("**/inbox")
    assert "Task completed: Write the closure summary" in page.inner_text("main")
    assert task_row(task_id).state == "completed"


def test_answers_come_back_after_the_session_expires(page: Any, people: None, audit: Accessibility) -> None:
    task_id = open_task(start())
    sign_in(page, audit, "cm1")
    page.goto(f"/tasks/{task_id}")
    fill_summary(page)
    get_engine().clock.advance("PT31M")  # type: ignore[attr-defined]
    release()
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_url("**/sign-in?**timeout=1**")
    assert "saved as a draft" in page.inner_text("main")
    audit(page)
    page.fill("#username", "cm1")  # the sign-in page the time-out led to, with the task to come back to
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"**/tasks/{task_id}")
    assert page.input_value("#summary").startswith("Attendance is back above 95%")
    assert page.input_value("#outcomes-0-evidence") == "School register, autumn term"
    audit(page)
    assert task_row(task_id).state == "open"


def test_a_team_manager_reassigns_a_task(page: Any, people: None, audit: Accessibility) -> None:
    task_id = open_task(start())
    sign_in(page, audit, "tm1")
    page.wait_for_url("**/inbox")
    audit(page)
    page.get_by_role("link", name="My team's tasks").click()
    audit(page)
    page.check(f"#select-{task_id}")
    page.select_option("#assignee", "cm2")
    page.get_by_role("button", name="Assign selected tasks").click()
    page.locator(".govuk-notification-banner--success").wait_for()
    assert "1 task assigned to cm2" in page.inner_text("main")
    audit(page)
    assert task_row(task_id).assignee == "cm2"


def test_admin_pages_and_the_not_found_page_are_accessible(page: Any, people: None, audit: Accessibility) -> None:
    sign_in(page, audit, "admin")
    page.wait_for_url("**/admin/users")
    audit(page)
    page.get_by_role("link", name="cm1").click()
    audit(page)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/admin/users")
    for path in ("/admin/users/new", "/admin/groups", "/admin/teams", "/admin/definitions", "/tasks/nothing-here"):
        page.goto(path)
        audit(page)
    assert "Page not found" in page.inner_text("h1")


def test_narrow_screens_keep_the_inbox_usable(page: Any, people: None, audit: Accessibility) -> None:
    start()
    release()
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, audit, "tm1")
    page.wait_for_url("**/inbox")
    page.goto("/inbox?tab=team")
    audit(page)
    assert page.get_by_role("button", name="Assign selected tasks").is_visible()


def test_the_time_out_warning_appears_before_the_session_ends(page: Any, people: None,
                                                              audit: Accessibility) -> None:
    page.clock.install()  # the browser's timers run on Playwright's clock: minutes pass in no time
    sign_in(page, audit, "cm1")
    page.wait_for_url("**/inbox")
    warning = page.locator("#session-warning")
    assert warning.is_hidden()
    page.clock.run_for("24:00")  # 30-minute time-out, warning 5 minutes before: not yet
    assert warning.is_hidden()
    page.clock.run_for("01:30")
    warning.wait_for(state="visible")
    assert "You will be signed out soon" in warning.inner_text()
    audit(page)
    page.get_by_role("button", name="stay signed in").click()
    page.wait_for_url("**/inbox")
    assert page.locator("#session-warning").is_hidden()
