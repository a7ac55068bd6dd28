"""The TF register as the API lists it: the newest entries first, each with its family's reference,
district and status."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.models import Family, TfRegister


def register_entries(session: Session, limit: int) -> list[dict[str, Any]]:
    """The ``limit`` most recently added entries, newest first."""
    rows = session.execute(select(TfRegister, Family).join(Family, Family.id == TfRegister.family_id)
                           .order_by(TfRegister.added_at.desc(), Family.id.desc()).limit(limit))
    return [{"family_ref": family.ref, "added_at": entry.added_at.isoformat(), "district": family.district,
             "headline_issues": entry.headline_issues, "framework": entry.framework, "status": family.status}
            for entry, family in rows]
