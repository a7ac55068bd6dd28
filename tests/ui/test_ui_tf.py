"""The TF team's pages on the real lifecycle: the audit queue, claim windows with why each family is or is
not claimable, the claim file, and invalidating a claim. Outsiders get 404, and every read is logged."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from bs4 import Tag
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from engine.models import AccessLog, HumanTask, User
from tests.fixtures.client_request import Page
from tests.fixtures.lifecycle import Journey
from tests.fixtures.pages import PASSWORD, csrf, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password
from web.ui.tf import views as tf_pages
from web.wiring import get_engine
from workflows.models import Claim, Family

CUTOFF, CLOSES = "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def passwords(*usernames: str) -> None:
    for user in db.session.scalars(select(User).where(User.username.in_(usernames))):
        set_password(db.session, user, PASSWORD)
    db.session.commit()


def as_user(client: FlaskClient, username: str) -> FlaskClient:
    """A fresh browser (cookie jar) signed in as ``username``."""
    fresh = client.application.test_client()
    assert sign_in(fresh, username).status_code == 302
    return fresh


def auditing_window(journey: Journey, count: int = 2) -> tuple[list[str], dict[str, Any]]:
    """``count`` families in the pool of a window that is auditing (Stage 1 open for each)."""
    refs = sorted(journey.close_approved(journey.refer()) for _ in range(count))
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    passwords("tf1", "pm1", "co1", "cm1", "partner", "owner", "admin")
    return refs, window


def submitted_window(journey: Journey) -> tuple[list[str], dict[str, Any]]:
    refs, window = auditing_window(journey)
    sample = journey.window(window["id"])["sample"]
    for ref in refs:
        journey.audit(ref, 1)
    for ref in sample["picks"]:
        journey.audit(ref, 2, refer_to_stage_3=False)
    journey.submit_batch(journey.window(window["id"]))
    return refs, window


def logged(route_start: str) -> list[tuple[str | None, str, str | None, int, bool]]:
    db.session.rollback()
    rows = db.session.scalars(select(AccessLog).where(AccessLog.route.startswith(route_start))
                              .order_by(AccessLog.id))
    return [(r.username, r.resource_type, r.resource_id, r.status_code, r.admin_read) for r in rows]


# The claim window page's tables: the pool's follows its h2, and the batch's comes after the pool's.
POOL, BATCH = "#pool ~ .app-table-wrap table", "#batch ~ .app-table-wrap table"


def row_of(page: Page, ref: str, table: str = "table") -> Tag:
    """The body row of ``table`` whose first cell is the family reference ``ref``."""
    found = [row for row in page.select_one(table).select("tbody tr")
             if (cell := row.select_one("th, td")) is not None and cell.get_text(strip=True) == ref]
    assert len(found) == 1, (ref, page.rows(table))
    return found[0]


def cells(row: Tag) -> list[str]:
    return [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")]


# The audit queue's current stage tab: its label, its count's badge and the badge's hidden words.
CURRENT_STAGE = '.moj-sub-navigation__link[aria-current="page"]'


def test_the_audit_queue_lists_open_audits_by_stage_with_claim_buttons(
        client: FlaskClient, journey: Journey) -> None:
    refs, window = auditing_window(journey)
    tasks = {ref: journey.task(ref, "audit_stage_1", "tf1") for ref in refs}
    overdue = db.session.get(HumanTask, tasks[refs[0]]["id"])
    assert overdue is not None
    overdue.due_at = get_engine().clock.now() - timedelta(days=1)  # audits have no due date of their own
    db.session.commit()
    client = as_user(client, "tf1")
    response = client.get("/tf/audits")
    assert response.status_code == 200
    page = Page(response)
    assert page.text(CURRENT_STAGE) == "Stage 1 2 open audits"
    assert "Stage 2 0 open audits" in page.texts(".moj-sub-navigation__link")
    for ref in refs:
        row = row_of(page, ref)
        assert row.select_one(f'a[href="/tasks/{tasks[ref]["id"]}"]') is not None
        assert row.select_one(f'button[value="claim:{tasks[ref]["id"]}"]') is not None
    assert page.column("table", 1) == ["Newark and Sherwood"] * 2
    assert page.texts("table .govuk-tag") == ["Overdue"] and "No due date" in page.column("table", 2)
    claimed = client.post("/tf/audits", data={"csrf_token": csrf(page.html), "stage": "1",
                                              "action": f"claim:{tasks[refs[0]]['id']}"})
    assert claimed.status_code == 302 and claimed.headers["Location"] == "/tf/audits?stage=1"
    after = Page(client.get("/tf/audits?stage=1"))
    assert after.banner == "Task claimed: it is now in your tasks"
    assert row_of(after, refs[0]).select_one(f'button[value="unclaim:{tasks[refs[0]]["id"]}"]') is not None
    assert journey.task(refs[0], "audit_stage_1", "tf1")["assignee"] == "tf1"
    assert ("tf1", "task_list", None, 200, False) in logged("/tf/audits")


def test_the_audit_queue_pages_through_a_long_stage(client: FlaskClient, journey: Journey,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    refs, _ = auditing_window(journey)
    monkeypatch.setattr(tf_pages, "QUEUE_PAGE", 1)
    client = as_user(client, "tf1")
    first = Page(client.get("/tf/audits?stage=1"))
    following = str(first.select_one('.govuk-pagination a[rel="next"]')["href"])
    assert following.startswith("/tf/audits?stage=1&cursor=") and following != "/tf/audits?stage=1&cursor="
    second = Page(client.get(following))
    assert len(first.column("table", 0)) == 1 and len(second.column("table", 0)) == 1
    assert sorted(first.column("table", 0) + second.column("table", 0)) == refs
    assert second.select('a[rel="next"]') == [] and second.text('.govuk-pagination a[rel="prev"]') == "First page"


def test_stage_2_is_the_project_managers_queue(client: FlaskClient, journey: Journey) -> None:
    refs, window = auditing_window(journey)
    picks = journey.window(window["id"])["sample"]["picks"]
    for ref in refs:
        journey.audit(ref, 1)
    client = as_user(client, "pm1")
    page = Page(client.get("/tf/audits?stage=2"))
    assert page.text(CURRENT_STAGE) == "Stage 2 1 open audits"
    assert row_of(page, picks[0]).select_one('button[value^="claim:"]') is not None


def test_the_claim_windows_and_a_window_with_why_each_family_is_or_is_not_claimable(
        client: FlaskClient, journey: Journey) -> None:
    refs, window = auditing_window(journey)
    passed, failed = refs
    journey.audit(passed, 1)
    journey.audit(failed, 1, result="fail")
    detail = journey.window(window["id"])
    client = as_user(client, "tf1")
    listing = Page(client.get("/tf/claim-windows"))
    assert listing.text(f'table a[href="/tf/claim-windows/{window["id"]}"]') == "2028 December"
    sampled = passed in detail["sample"]["picks"]
    claims = 0 if sampled else 1  # not sampled: its audits are done, so the batch is built
    [row] = listing.rows("table")
    assert row[0] == "2028 December" and row[3:] == ["Auditing", "2", "1", "1", str(claims)], row
    response = client.get(f"/tf/claim-windows/{window['id']}")
    assert response.status_code == 200
    page = Page(response)
    failed_row = cells(row_of(page, failed, POOL))
    assert failed_row[4] == "Not claimable"
    assert ("Failed the Stage 1 audit: it stays in the pool for the next window. Reasons: Evidence missing."
            in failed_row[5])
    passed_row = cells(row_of(page, passed, POOL))
    assert passed_row[4] == "Claimable"
    assert ("Waiting for the Stage 2 audit" if sampled else "In this window's batch: claim batched") in passed_row[5]
    assert page.text("code.app-seed") == detail["sample"]["seed"]
    assert page.text("#sample ~ .govuk-inset-text .govuk-tag") == "Reproduced"
    assert page.text("#sample + p").startswith("1 of the 2 families in the pool")
    assert ("tf1", "claim_window", str(window["id"]), 200, False) in logged("/tf/claim-windows/")
    assert ("tf1", "claim_window_list", None, 200, False) in logged("/tf/claim-windows")


def test_each_family_links_to_its_case_page_when_the_app_has_one(client: FlaskClient,
                                                                 journey: Journey) -> None:
    refs, window = auditing_window(journey, 1)
    client = as_user(client, "tf1")
    page = Page(client.get(f"/tf/claim-windows/{window['id']}"))
    if "case.case" not in client.application.view_functions:
        pytest.skip("the case page is not part of this build yet")
    with client.application.test_request_context():
        from flask import url_for

        link = row_of(page, refs[0], POOL).select_one(f'a[href="{url_for("case.case", ref=refs[0])}"]')
        assert link is not None and link.get_text(strip=True) == refs[0]


def test_the_pool_is_paginated(client: FlaskClient, journey: Journey,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    refs, window = auditing_window(journey)
    monkeypatch.setattr(tf_pages, "POOL_PAGE", 1)
    client = as_user(client, "tf1")
    first = Page(client.get(f"/tf/claim-windows/{window['id']}"))
    second = Page(client.get(f"/tf/claim-windows/{window['id']}?page=2"))
    assert first.text(f"{POOL} caption") == "Families 1 to 1 of 2, by reference" and first.column(POOL, 0) == refs[:1]
    assert second.text(f"{POOL} caption") == "Families 2 to 2 of 2, by reference" and second.column(POOL, 0) == refs[1:]
    assert client.get(f"/tf/claim-windows/{window['id']}?page=3").status_code == 404


def test_an_administrators_read_is_logged_as_one(client: FlaskClient, journey: Journey) -> None:
    _, window = auditing_window(journey, 1)
    client = as_user(client, "admin")
    assert client.get(f"/tf/claim-windows/{window['id']}").status_code == 200
    assert client.get("/tf/audits").status_code == 200
    assert ("admin", "claim_window", str(window["id"]), 200, True) in logged("/tf/claim-windows/")
    assert ("admin", "task_list", None, 200, True) in logged("/tf/audits")


def test_the_claim_file_downloads_as_csv_and_xlsx(client: FlaskClient, journey: Journey) -> None:
    refs, window = submitted_window(journey)
    client = as_user(client, "tf1")
    page = Page(client.get(f"/tf/claim-windows/{window['id']}"))
    csv_url, xlsx_url = (f"/tf/claim-windows/{window['id']}/claim-file.{ext}" for ext in ("csv", "xlsx"))
    assert [a["href"] for a in page.select("#claim-file ~ .govuk-button-group a")] == [csv_url, xlsx_url]
    as_csv = client.get(csv_url)
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    assert as_csv.headers["Content-Disposition"] == f'attachment; filename="claim-file-{window["id"]}.csv"'
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert rows[0][0] == "family_ref" and [r[0] for r in rows[1:]] == refs
    assert {r[-1] for r in rows[1:]} == {"submitted"}
    api = journey.api.get(f"/api/v1/claim-windows/{window['id']}/claim-file.csv", as_="tf1")
    assert api.get_data() == as_csv.get_data()  # one builder for the API and the page
    as_xlsx = client.get(xlsx_url)
    assert as_xlsx.status_code == 200 and as_xlsx.mimetype == XLSX
    sheet = load_workbook(io.BytesIO(as_xlsx.get_data())).active
    assert sheet is not None
    assert [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)] == rows
    assert client.get(f"/tf/claim-windows/{window['id']}/claim-file.pdf").status_code == 404
    assert [e for e in logged("/tf/claim-windows/<int:window_id>/claim-file") if e[0] == "tf1"] == [
        *(("tf1", "claim_file", str(window["id"]), 200, False), *(("tf1", "family", ref, 200, False)
                                                                  for ref in refs)) * 2,
        ("tf1", "claim_file", str(window["id"]), 404, False)]  # each file: one entry per claimed family too


def no_invalidate_links(page: Page) -> None:
    """The claim window's batch offers no Invalidate link: its action cells are empty."""
    assert page.select('a[href$="/invalidate"]') == []
    assert set(page.column(BATCH, 4)) == {""}


def _claim(ref: str) -> Claim:
    db.session.rollback()
    family_id = db.session.execute(select(Family.id).where(Family.ref == ref)).scalar_one()
    return db.session.execute(select(Claim).where(Claim.family_id == family_id)).scalar_one()


def main(response: Any) -> str:
    """The page's main content: the same for every outsider (the header names who is signed in). Compared
    as served, byte for byte, not as parsed: the parser would tidy away differences in the markup."""
    found = re.search(r"<main.*</main>", response.get_data(as_text=True), re.S)
    assert found, response.get_data(as_text=True)
    return found.group(0)


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Enter the reason the claim is invalid"),
    ("   \n ", "Enter the reason the claim is invalid"),
    ("x" * 2001, "The reason must be 2000 characters or fewer"),
])
def test_invalidating_without_a_good_reason_says_why_and_writes_nothing(
        client: FlaskClient, journey: Journey, reason: str, message: str) -> None:
    refs, _ = submitted_window(journey)
    claim = _claim(refs[0])
    client = as_user(client, "tf1")
    url = f"/tf/claims/{claim.id}/invalidate"
    form = client.get(url)
    assert form.status_code == 200 and Page(form).text('label[for="reason"]') == "Why is the claim invalid?"
    refused = client.post(url, data={"csrf_token": csrf(form.get_data(as_text=True)), "reason": reason})
    assert refused.status_code == 422
    page = Page(refused)
    assert page.title == "Error: Invalidate a claim - Family journeys"
    assert page.error_summary == [message]
    assert page.text(".govuk-error-summary__list a") == message
    assert page.select_one(".govuk-error-summary__list a")["href"] == "#reason"
    assert page.text("#reason-error") == f"Error: {message}"  # beside the field
    assert page.text("#reason-error .govuk-visually-hidden") == "Error:"
    after = _claim(refs[0])
    assert (after.state, after.invalidated_at, after.invalid_reason) == ("submitted", None, None)


def test_invalidating_a_claim_with_a_reason(client: FlaskClient, journey: Journey) -> None:
    refs, window = submitted_window(journey)
    claim = _claim(refs[0])
    client = as_user(client, "tf1")
    page = Page(client.get(f"/tf/claim-windows/{window['id']}"))
    url = f"/tf/claims/{claim.id}/invalidate"
    assert row_of(page, refs[0], BATCH).select_one(f'a[href="{url}"]') is not None
    form = client.get(url)
    done = client.post(url, data={"csrf_token": csrf(form.get_data(as_text=True)),
                                  "reason": "  Spot check: attendance evidence forged  "})
    assert done.status_code == 302 and done.headers["Location"] == f"/tf/claim-windows/{window['id']}#batch"
    after = _claim(refs[0])
    assert (after.state, after.invalid_reason) == ("invalidated", "Spot check: attendance evidence forged")
    assert after.invalidated_at is not None
    assert timedelta(0) <= get_engine().clock.now() - after.invalidated_at < timedelta(minutes=1)
    shown = Page(client.get(done.headers["Location"]))
    assert f"Claim for {refs[0]} invalidated" in shown.banner
    row = cells(row_of(shown, refs[0], POOL))
    assert row[4] == "Not claimable" and "Claim invalidated on" in row[5] and "attendance evidence forged" in row[5]
    again = client.post(url, data={"csrf_token": csrf(shown.html), "reason": "Twice"})
    assert again.status_code == 409
    assert Page(again).error_summary == ["This claim is invalidated and cannot be invalidated"]
    assert _claim(refs[0]).invalid_reason == "Spot check: attendance evidence forged"
    assert [e for e in logged("/tf/claims/") if e[0] == "tf1"] == [
        ("tf1", "claim", str(claim.id), status, False) for status in (200, 302, 409)]


def test_the_project_manager_sees_the_claim_but_may_not_invalidate_it(client: FlaskClient,
                                                                       journey: Journey) -> None:
    refs, window = submitted_window(journey)
    claim = _claim(refs[0])
    client = as_user(client, "pm1")
    no_invalidate_links(Page(client.get(f"/tf/claim-windows/{window['id']}")))
    url = f"/tf/claims/{claim.id}/invalidate"
    assert client.get(url).status_code == 403
    token = csrf(client.get("/tf/audits").get_data(as_text=True))
    refused = client.post(url, data={"csrf_token": token, "reason": "Because"})
    assert refused.status_code == 403
    assert Page(refused).text("h1 + p") == "Only the TF team records payments and invalid claims."
    assert _claim(refs[0]).state == "submitted"


def test_outsiders_get_the_same_404_as_for_an_unknown_window_and_are_logged(
        client: FlaskClient, journey: Journey) -> None:
    refs, window = submitted_window(journey)
    claim = _claim(refs[0])
    wid = window["id"]
    urls = ["/tf/audits", "/tf/audits?stage=2", "/tf/claim-windows", f"/tf/claim-windows/{wid}",
            f"/tf/claim-windows/{wid}/claim-file.csv", f"/tf/claim-windows/{wid}/claim-file.xlsx",
            f"/tf/claims/{claim.id}/invalidate"]
    client = as_user(client, "tf1")
    unknown = client.get("/tf/claim-windows/999999")
    assert unknown.status_code == 404
    for user in ("cm1", "partner", "owner"):
        client = as_user(client, user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, (user, url)
            assert main(response) == main(unknown), (user, url)
        token = csrf(client.get("/inbox").get_data(as_text=True))
        posted = client.post(f"/tf/claims/{claim.id}/invalidate", data={"csrf_token": token, "reason": "No"})
        assert posted.status_code == 404
        assert client.post("/tf/audits", data={"csrf_token": token, "action": "claim:x"}).status_code == 404
        entries = [e for e in logged("/tf/") if e[0] == user]
        assert len(entries) == len(urls) + 2 and {e[3] for e in entries} == {404}
    assert _claim(refs[0]).state == "submitted"


def test_a_scheduled_window_says_when_its_pool_is_drawn(client: FlaskClient, journey: Journey) -> None:
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    passwords("tf1")
    client = as_user(client, "tf1")
    page = Page(client.get(f"/tf/claim-windows/{window['id']}"))
    assert page.text("#pool + p") == "The pool is drawn at the local cut-off, 1 December 2028, midnight."
    assert page.summary_list()["Stage 2 sample"] == "Not drawn yet"
    assert page.text("#batch + p").startswith("No claims yet")
    [row] = Page(client.get("/tf/claim-windows")).rows("table")
    assert row[3] == "Scheduled"
    audits = Page(client.get("/tf/audits"))
    assert [p for p in audits.texts("p") if "no open" in p] == ["There are no open Stage 1 audits you can see."]


def test_a_batched_claim_cannot_be_invalidated_before_it_is_submitted(client: FlaskClient,
                                                                      journey: Journey) -> None:
    refs, window = auditing_window(journey, 1)
    journey.audit(refs[0], 1)
    if refs[0] in journey.window(window["id"])["sample"]["picks"]:
        journey.audit(refs[0], 2, refer_to_stage_3=False)
    claim = _claim(refs[0])
    assert claim.state == "batched"
    client = as_user(client, "tf1")
    no_invalidate_links(Page(client.get(f"/tf/claim-windows/{window['id']}")))
    form = Page(client.get(f"/tf/claims/{claim.id}/invalidate"))
    assert form.text("dl.govuk-summary-list + p") == \
        "A batched claim cannot be invalidated: it has not been submitted yet."
    assert form.select('[name="reason"]') == []
    refused = client.post(f"/tf/claims/{claim.id}/invalidate",
                          data={"csrf_token": csrf(form.html), "reason": "Too early"})
    assert refused.status_code == 409
    assert Page(refused).error_summary == ["This claim is batched and cannot be invalidated"]
    assert _claim(refs[0]).state == "batched"


def test_the_api_gives_the_same_message_for_a_blank_reason(journey: Journey) -> None:
    refs, _ = submitted_window(journey)
    claim = _claim(refs[0])
    for body in ({}, {"reason": ""}, {"reason": " \t "}):
        refused = journey.api.post(f"/api/v1/claims/{claim.id}/invalidate", as_="tf1", json=body)
        assert refused.status_code == 422
        assert refused.get_json()["error"]["details"] == {"reason": ["Enter the reason the claim is invalid"]}
    assert _claim(refs[0]).state == "submitted"
