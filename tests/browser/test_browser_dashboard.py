"""A team manager opens the dashboard on the demo council (two years of families through the API)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from tests.browser.conftest import Accessibility, release, sign_in
from web.demo.people import DEMO_PASSWORD
from web.extensions import db
from workflows.models import Family


def test_a_team_manager_reads_the_dashboard(page: Any, screenshot: Any, ctx: Flask, audit: Accessibility) -> None:
    loaded = ctx.test_cli_runner().invoke(args=["setup"])
    assert loaded.exit_code == 0, loaded.output
    families = db.session.scalar(select(func.count()).select_from(Family).where(Family.status != "merged"))
    merged = db.session.scalar(select(func.count()).select_from(Family).where(Family.status == "merged"))
    release()
    assert families and merged  # a council with a re-referral merged into a known family
    sign_in(page, audit, "tm-mansfield-ehcm", DEMO_PASSWORD)
    page.wait_for_url("**/inbox")
    page.goto("/dashboard")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    for heading in ("Families by stage and district", "Overdue reviews by team",
                    "Identified families by headline issue", "Claims by window and state"):
        assert page.get_by_role("heading", level=2, name=heading).is_visible()
    charts = page.get_by_role("img")
    assert charts.count() == 4
    assert charts.nth(2).get_attribute("aria-labelledby") == "chart-headlines-title chart-headlines-desc"
    assert page.locator("#chart-headlines rect.app-chart__bar").count() == 6
    stages = page.locator("table", has=page.locator("caption", has_text="Number of families at each stage"))
    total = stages.locator("tbody tr").last.locator("td").last.inner_text()
    assert int(total) == families  # every family once: a merged referral is not a second family
    assert "Your team" in page.inner_text("table:has(caption:text('action-plan reviews'))")
    audit(page)
    screenshot(page, "dashboard.png")
    page.get_by_label("District").select_option(label="Mansfield")
    page.get_by_role("button", name="Show district").click()
    page.wait_for_url("**/dashboard?district=mansfield")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard: Mansfield"
    audit(page)
