"""The claim file of a window, as CSV and as XLSX: one row per claim, the same columns in both. Served by
the API (web/api/claim_file.py) and the TF team's window page (web/ui/tf/views.py).

No household members' details, so nothing about third parties leaves in the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from flask import Response
from openpyxl import Workbook
from sqlalchemy import select

from web.access_log import shows_families
from web.extensions import db
from workflows.models import Claim, ClaimWindow, Family, Outcome, TfRegister, WindowFamily
from workflows.operations.common import london_day

CLAIM_FILE_COLUMNS = ["family_ref", "attached_on", "claim_type", "issues_at_entry", "outcomes", "sustained_on",
                      "stage_1", "stage_2", "stage_3", "claim_state"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def claim_file_rows(window: ClaimWindow) -> list[list[str]]:
    """attached_on is the TF register date; outcomes ``indicator:status``; sustained_on the London day the
    last window ended (a window ends at 00:00 London, so the UTC date would be a day early in summer)."""
    rows = db.session.execute(select(Claim, Family, WindowFamily).join(Family, Family.id == Claim.family_id)
                      .join(WindowFamily, (WindowFamily.family_id == Claim.family_id)
                            & (WindowFamily.window_id == Claim.window_id))
                      .where(Claim.window_id == window.id).order_by(Family.ref))
    out: list[list[str]] = []
    for claim, family, pooled in rows:
        register = db.session.get(TfRegister, family.id)
        outcomes = list(db.session.scalars(select(Outcome).where(Outcome.family_id == family.id).order_by(Outcome.id)))
        sustained = [o.sustained_at for o in outcomes if o.sustained_at]
        out.append([
            family.ref or "", register.added_at.date().isoformat() if register else "", claim.claim_type,
            " ".join(str(i) for i in (register.headline_issues if register else family.headline_issues)),
            " ".join(f"{o.indicator}:{o.status}" for o in outcomes),
            london_day(max(sustained)) if sustained else "",
            *[str((pooled.audits.get(stage) or {}).get("result", "")) for stage in ("1", "2", "3")],
            claim.state,
        ])
    return out


def claim_file_csv(window: ClaimWindow) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CLAIM_FILE_COLUMNS)
    writer.writerows(claim_file_rows(window))
    return out.getvalue()


def claim_file_xlsx_bytes(window: ClaimWindow) -> bytes:
    """The same rows as the CSV, every cell text (references and dates are never reinterpreted)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Claims"
    sheet.append(CLAIM_FILE_COLUMNS)
    for row in claim_file_rows(window):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FORMATS: dict[str, tuple[str, Callable[[ClaimWindow], str | bytes]]] = {
    "csv": ("text/csv", claim_file_csv), "xlsx": (XLSX, claim_file_xlsx_bytes)}


def claim_file_response(window: ClaimWindow, extension: str) -> Response:
    """The download, as the API and the TF team's window page both serve it."""
    mimetype, build = FORMATS[extension]
    shows_families(row[0] for row in claim_file_rows(window))  # each claimed family's access log has the file
    response = Response(build(window), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="claim-file-{window.id}.{extension}"'
    return response
