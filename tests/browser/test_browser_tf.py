"""The TF team works a Stage 1 audit from the audit queue, then downloads the window's claim file
(the real lifecycle, workflows/bpmn). axe on every page; the window page is the README's screenshot."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tests.browser.conftest import Accessibility, give_passwords, release, sign_in
from tests.fixtures.lifecycle import Journey

CUTOFF, CLOSES = "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00"


def test_the_tf_team_audits_a_family_and_downloads_the_claim_file(page: Any, screenshot: Any, journey: Journey,
                                                                  audit: Accessibility, tmp_path: Path) -> None:
    first, failing, last = sorted(journey.close_approved(journey.refer()) for _ in range(3))
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    journey.audit(failing, 1, result="fail")  # not claimable in this window: the page says why
    give_passwords("tf1")
    sign_in(page, audit, "tf1", next_path="/tf/audits")
    page.wait_for_url("**/tf/audits")
    assert "Stage 1 audits" in page.inner_text("main")
    audit(page)
    page.get_by_role("link", name=f"Open the Stage 1 audit of {first}").click()
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Stage 1 audit" and first in page.inner_text("aside")
    audit(page)
    page.check("input[name=result][value=pass]")
    page.fill("#notes", "Closure summary, outcomes and evidence all on file.")
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert "Task completed: Stage 1 audit" in page.inner_text("main")
    audit(page)
    stages = journey.family(first)["audits"][0]["stages"]
    release()
    assert stages["1"]["result"] == "pass" and stages["1"]["by"] == "tf1"

    # The rest of the window's audits, as the team and the Project Manager would do them.
    journey.audit(last, 1)
    for ref in journey.window(window["id"])["sample"]["picks"]:
        if ref != failing:
            journey.audit(ref, 2, refer_to_stage_3=False)
    journey.submit_batch(journey.window(window["id"]))
    release()

    page.goto("/tf/audits")
    page.get_by_role("link", name="Claim windows").click()
    audit(page)
    page.get_by_role("link", name="2028 December").click()
    page.wait_for_selector("#pool")
    pool = page.inner_text("#pool + p + .app-table-wrap")
    assert "Not claimable" in pool and "Failed the Stage 1 audit: it stays in the pool for the next window." in pool
    assert pool.count("In this window's batch: claim submitted") == 2
    assert "Reproduced" in page.inner_text("main")
    audit(page)
    screenshot(page, "claim-window.png")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the claim file (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"claim-file-{window['id']}.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text())))
    assert rows[0][:3] == ["family_ref", "attached_on", "claim_type"]
    assert [(r[0], r[6], r[-1]) for r in rows[1:]] == [(first, "pass", "submitted"), (last, "pass", "submitted")]

    # A spot check finds the first claim invalid: the reason is required, then the claim is withdrawn.
    page.get_by_role("link", name=f"Invalidate the claim for {first}").click()
    page.wait_for_selector("h1")
    audit(page)
    page.get_by_role("button", name="Invalidate the claim").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "Enter the reason the claim is invalid" in page.inner_text(".govuk-error-summary")
    audit(page)
    page.fill("#reason", "Spot check: attendance evidence was for another pupil.")
    page.get_by_role("button", name="Invalidate the claim").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert f"Claim for {first} invalidated" in page.inner_text(".govuk-notification-banner--success")
    assert "Claim invalidated on" in page.inner_text("#pool + p + .app-table-wrap")
    audit(page)
