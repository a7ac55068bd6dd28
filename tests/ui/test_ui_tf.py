"""The TF team's pages on the real lifecycle: the audit queue, claim windows with why each family is or is
not claimable, the claim file, and invalidating a claim. Outsiders get 404, and every read is logged."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from engine.models import AccessLog, HumanTask, User
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


def text(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def test_the_audit_queue_lists_open_audits_by_stage_with_claim_buttons(
        client: FlaskClient, journey: Journey) -> None:
    refs, window = auditing_window(journey)
    tasks = {ref: journey.task(ref, "audit_stage_1", "tf1") for ref in refs}
    overdue = db.session.get(HumanTask, tasks[refs[0]]["id"])
    assert overdue is not None
    overdue.due_at = get_engine().clock.now() - timedelta(days=1)  # audits have no due date of their own
    db.session.commit()
    client = as_user(client, "tf1")
    page = client.get("/tf/audits")
    assert page.status_code == 200
    body = text(page)
    assert re.search(r'aria-current="page">Stage 1 <span class="moj-badge moj-badge--blue">2<', body)
    assert re.search(r">Stage 2 <span class=\"moj-badge moj-badge--blue\">0<", body)
    for ref in refs:
        assert ref in body and f'href="/tasks/{tasks[ref]["id"]}"' in body
        assert f'value="claim:{tasks[ref]["id"]}"' in body
    assert body.count("Newark and Sherwood") == 2
    assert body.count("Overdue</strong>") == 1 and "No due date" in body
    claimed = client.post("/tf/audits", data={"csrf_token": csrf(page.get_data(as_text=True)), "stage": "1",
                                              "action": f"claim:{tasks[refs[0]]['id']}"})
    assert claimed.status_code == 302 and claimed.headers["Location"] == "/tf/audits?stage=1"
    after = text(client.get("/tf/audits?stage=1"))
    assert "Task claimed: it is now in your tasks" in after
    assert f'value="unclaim:{tasks[refs[0]]["id"]}"' in after
    assert journey.task(refs[0], "audit_stage_1", "tf1")["assignee"] == "tf1"
    assert ("tf1", "task_list", None, 200, False) in logged("/tf/audits")


def test_the_audit_queue_pages_through_a_long_stage(client: FlaskClient, journey: Journey,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    refs, _ = auditing_window(journey)
    monkeypatch.setattr(tf_pages, "QUEUE_PAGE", 1)
    client = as_user(client, "tf1")
    first = text(client.get("/tf/audits?stage=1"))
    following = re.search(r'href="(/tf/audits\?stage=1&cursor=[^"]+)" rel="next"', first)
    assert following, first
    second = text(client.get(following.group(1)))
    assert [ref in first for ref in refs].count(True) == 1 and [ref in second for ref in refs].count(True) == 1
    assert 'rel="next"' not in second and "First page" in second


def test_stage_2_is_the_project_managers_queue(client: FlaskClient, journey: Journey) -> None:
    refs, window = auditing_window(journey)
    picks = journey.window(window["id"])["sample"]["picks"]
    for ref in refs:
        journey.audit(ref, 1)
    client = as_user(client, "pm1")
    body = text(client.get("/tf/audits?stage=2"))
    assert re.search(r'aria-current="page">Stage 2 <span class="moj-badge moj-badge--blue">1<', body)
    assert picks[0] in body and "value=\"claim:" in body


def test_the_claim_windows_and_a_window_with_why_each_family_is_or_is_not_claimable(
        client: FlaskClient, journey: Journey) -> None:
    refs, window = auditing_window(journey)
    passed, failed = refs
    journey.audit(passed, 1)
    journey.audit(failed, 1, result="fail")
    detail = journey.window(window["id"])
    client = as_user(client, "tf1")
    listing = text(client.get("/tf/claim-windows"))
    assert f'href="/tf/claim-windows/{window["id"]}">2028 December</a>' in listing
    sampled = passed in detail["sample"]["picks"]
    claims = 0 if sampled else 1  # not sampled: its audits are done, so the batch is built
    assert re.search(r"Auditing</strong></td> <td[^>]*>2</td> <td[^>]*>1</td> <td[^>]*>1</td> "
                     rf"<td[^>]*>{claims}</td>", listing), listing
    page = client.get(f"/tf/claim-windows/{window['id']}")
    assert page.status_code == 200
    body = text(page)
    rows = {ref: body.index(ref) for ref in refs}
    failed_row = body[rows[failed]:body.index("</tr>", rows[failed])]
    assert "Not claimable" in failed_row
    assert ("Failed the Stage 1 audit: it stays in the pool for the next window. Reasons: Evidence missing."
            in failed_row)
    passed_row = body[rows[passed]:body.index("</tr>", rows[passed])]
    assert ">Claimable<" in passed_row
    assert ("Waiting for the Stage 2 audit" if sampled else "In this window's batch: claim batched") in passed_row
    assert detail["sample"]["seed"] in body and "Reproduced" in body
    assert "1 of the 2 families in the pool" in body
    assert ("tf1", "claim_window", str(window["id"]), 200, False) in logged("/tf/claim-windows/")
    assert ("tf1", "claim_window_list", None, 200, False) in logged("/tf/claim-windows")


def test_each_family_links_to_its_case_page_when_the_app_has_one(client: FlaskClient,
                                                                 journey: Journey) -> None:
    refs, window = auditing_window(journey, 1)
    client = as_user(client, "tf1")
    body = text(client.get(f"/tf/claim-windows/{window['id']}"))
    if "case.case" not in client.application.view_functions:
        pytest.skip("the case page is not part of this build yet")
    with client.application.test_request_context():
        from flask import url_for

        assert f'href="{url_for("case.case", ref=refs[0])}"' in body


def test_the_pool_is_paginated(client: FlaskClient, journey: Journey,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    refs, window = auditing_window(journey)
    monkeypatch.setattr(tf_pages, "POOL_PAGE", 1)
    client = as_user(client, "tf1")
    first = text(client.get(f"/tf/claim-windows/{window['id']}"))
    second = text(client.get(f"/tf/claim-windows/{window['id']}?page=2"))
    assert "Families 1 to 1 of 2" in first and refs[0] in first.split('id="sample"')[0]
    assert "Families 2 to 2 of 2" in second and refs[1] in second.split('id="sample"')[0]
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
    page = text(client.get(f"/tf/claim-windows/{window['id']}"))
    csv_url, xlsx_url = (f"/tf/claim-windows/{window['id']}/claim-file.{ext}" for ext in ("csv", "xlsx"))
    assert f'href="{csv_url}"' in page and f'href="{xlsx_url}"' in page
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
        ("tf1", "claim_file", str(window["id"]), 200, False)] * 2 + [
        ("tf1", "claim_file", str(window["id"]), 404, False)]


def _claim(ref: str) -> Claim:
    db.session.rollback()
    family_id = db.session.execute(select(Family.id).where(Family.ref == ref)).scalar_one()
    return db.session.execute(select(Claim).where(Claim.family_id == family_id)).scalar_one()


def main(response: Any) -> str:
    """The page's main content: the same for every outsider (the header names who is signed in)."""
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
    assert form.status_code == 200 and "Why is the claim invalid?" in form.get_data(as_text=True)
    refused = client.post(url, data={"csrf_token": csrf(form.get_data(as_text=True)), "reason": reason})
    assert refused.status_code == 422
    body = text(refused)
    assert "<title>Error: Invalidate a claim" in body
    assert f'<a href="#reason">{message}</a>' in body  # the error summary
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in body  # beside the field
    after = _claim(refs[0])
    assert (after.state, after.invalidated_at, after.invalid_reason) == ("submitted", None, None)


def test_invalidating_a_claim_with_a_reason(client: FlaskClient, journey: Journey) -> None:
    refs, window = submitted_window(journey)
    claim = _claim(refs[0])
    client = as_user(client, "tf1")
    page = text(client.get(f"/tf/claim-windows/{window['id']}"))
    url = f"/tf/claims/{claim.id}/invalidate"
    assert f'href="{url}"' in page
    form = client.get(url)
    done = client.post(url, data={"csrf_token": csrf(form.get_data(as_text=True)),
                                  "reason": "  Spot check: attendance evidence forged  "})
    assert done.status_code == 302 and done.headers["Location"] == f"/tf/claim-windows/{window['id']}#batch"
    after = _claim(refs[0])
    assert (after.state, after.invalid_reason) == ("invalidated", "Spot check: attendance evidence forged")
    assert after.invalidated_at is not None
    assert timedelta(0) <= get_engine().clock.now() - after.invalidated_at < timedelta(minutes=1)
    shown = text(client.get(done.headers["Location"]))
    assert f"Claim for {refs[0]} invalidated" in shown
    row = shown[shown.index(refs[0], shown.index('id="pool"')):]
    row = row[:row.index("</tr>")]
    assert "Not claimable" in row and "Claim invalidated on" in row and "attendance evidence forged" in row
    again = client.post(url, data={"csrf_token": csrf(shown), "reason": "Twice"})
    assert again.status_code == 409 and "This claim is invalidated and cannot be invalidated" in text(again)
    assert _claim(refs[0]).invalid_reason == "Spot check: attendance evidence forged"
    assert [e for e in logged("/tf/claims/") if e[0] == "tf1"] == [
        ("tf1", "claim", str(claim.id), status, False) for status in (200, 302, 409)]


def test_the_project_manager_sees_the_claim_but_may_not_invalidate_it(client: FlaskClient,
                                                                       journey: Journey) -> None:
    refs, window = submitted_window(journey)
    claim = _claim(refs[0])
    client = as_user(client, "pm1")
    assert "Invalidate<" not in text(client.get(f"/tf/claim-windows/{window['id']}"))
    url = f"/tf/claims/{claim.id}/invalidate"
    assert client.get(url).status_code == 403
    token = csrf(client.get("/tf/audits").get_data(as_text=True))
    refused = client.post(url, data={"csrf_token": token, "reason": "Because"})
    assert refused.status_code == 403
    assert "Only the TF team records payments and invalid claims." in text(refused)
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
    body = text(client.get(f"/tf/claim-windows/{window['id']}"))
    assert "The pool is drawn at the local cut-off, 1 December 2028, midnight." in body
    assert "Not drawn yet" in body and "No claims yet" in body
    listing = text(client.get("/tf/claim-windows"))
    assert "Scheduled</strong>" in listing
    assert text(client.get("/tf/audits")).count("There are no open Stage 1 audits you can see.") == 1


def test_a_batched_claim_cannot_be_invalidated_before_it_is_submitted(client: FlaskClient,
                                                                      journey: Journey) -> None:
    refs, window = auditing_window(journey, 1)
    journey.audit(refs[0], 1)
    if refs[0] in journey.window(window["id"])["sample"]["picks"]:
        journey.audit(refs[0], 2, refer_to_stage_3=False)
    claim = _claim(refs[0])
    assert claim.state == "batched"
    client = as_user(client, "tf1")
    assert "Invalidate<" not in text(client.get(f"/tf/claim-windows/{window['id']}"))
    form = client.get(f"/tf/claims/{claim.id}/invalidate")
    assert "A batched claim cannot be invalidated: it has not been submitted yet." in text(form)
    assert 'name="reason"' not in text(form)
    refused = client.post(f"/tf/claims/{claim.id}/invalidate",
                          data={"csrf_token": csrf(form.get_data(as_text=True)), "reason": "Too early"})
    assert refused.status_code == 409 and "This claim is batched and cannot be invalidated" in text(refused)
    assert _claim(refs[0]).state == "batched"


def test_the_api_gives_the_same_message_for_a_blank_reason(journey: Journey) -> None:
    refs, _ = submitted_window(journey)
    claim = _claim(refs[0])
    for body in ({}, {"reason": ""}, {"reason": " \t "}):
        refused = journey.api.post(f"/api/v1/claims/{claim.id}/invalidate", as_="tf1", json=body)
        assert refused.status_code == 422
        assert refused.get_json()["error"]["details"] == {"reason": ["Enter the reason the claim is invalid"]}
    assert _claim(refs[0]).state == "submitted"
