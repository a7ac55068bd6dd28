"""The claim file of a window, as CSV and as XLSX (read back with openpyxl): the same columns and rows."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from engine.models import AccessLog
from tests.fixtures.lifecycle import Journey
from web.extensions import db

CUTOFF, CLOSES = "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00"
COLUMNS = ["family_ref", "attached_on", "claim_type", "issues_at_entry", "outcomes", "sustained_on", "stage_1",
           "stage_2", "stage_3", "claim_state"]


def test_the_claim_file_as_xlsx_has_the_csv_columns_and_rows(journey: Journey) -> None:
    refs = sorted(journey.close_approved(journey.refer()) for _ in range(2))
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    sample = journey.window(window["id"])["sample"]
    for ref in refs:
        journey.audit(ref, 1)
    for ref in sample["picks"]:
        journey.audit(ref, 2, refer_to_stage_3=False)
    journey.submit_batch(journey.window(window["id"]))

    response = journey.api.get(f"/api/v1/claim-windows/{window['id']}/claim-file.xlsx", as_="tf1")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == f'attachment; filename="claim-file-{window["id"]}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet is not None and sheet.title == "Claims"
    rows = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == COLUMNS
    picked = set(sample["picks"])
    ends = {ref: max(o["sustained_at"] for o in journey.family(ref)["outcomes"]) for ref in refs}
    # the windows end at 00:00 London (BST): the file gives that London day, not the UTC date before it
    assert sorted(ends.values()) == ["2028-04-07T23:00:00+00:00", "2028-07-21T23:00:00+00:00"]
    days = dict(zip(refs, ("2028-04-08", "2028-07-22"), strict=True))
    attached = dict(zip(refs, ("2027-03-01", "2027-04-01"), strict=True))  # the second referred a month later
    assert rows[1:] == [[ref, attached[ref], "sustained_progress", "2 5", "22:sustained 7:sustained", days[ref],
                         "pass", "pass" if ref in picked else "", "", "submitted"] for ref in refs]
    csv_text = journey.api.get(f"/api/v1/claim-windows/{window['id']}/claim-file.csv", as_="tf1").get_data(True)
    assert list(csv.reader(io.StringIO(csv_text))) == rows


def test_the_xlsx_claim_file_is_for_the_tf_groups_only_and_every_read_is_logged(journey: Journey) -> None:
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    path = f"/api/v1/claim-windows/{window['id']}/claim-file.xlsx"
    empty = load_workbook(io.BytesIO(journey.api.get(path, as_="pm1").get_data())).active
    assert empty is not None and [list(r) for r in empty.iter_rows(values_only=True)] == [COLUMNS]
    for user in ("cm1", "partner", "ehu1"):
        hidden = journey.api.get(path, as_=user)
        assert (hidden.status_code, hidden.get_json()["error"]["code"]) == (404, "not_found")
    unknown = journey.api.get("/api/v1/claim-windows/999999/claim-file.xlsx", as_="tf1")
    assert (unknown.status_code, unknown.get_json()["error"]["code"]) == (404, "not_found")
    logs = db.session.scalars(select(AccessLog).where(AccessLog.resource_type == "claim_file")
                              .order_by(AccessLog.id))
    assert [(log.username, log.resource_id, log.status_code) for log in logs] == [
        ("pm1", str(window["id"]), 200), ("cm1", str(window["id"]), 404), ("partner", str(window["id"]), 404),
        ("ehu1", str(window["id"]), 404), ("tf1", "999999", 404)]
