"""The council's settings (``earned_autonomy``, ``triage_working_days``, the escalation group of an overdue
triage and of an overdue Parenting and Family Team review, ``escalation_working_days``, whether a
Parenting and Family Team manager signs off the team's closures: ``pft_closure_sign_off``), changed by
administrators.

``council_setting`` rows are written outside an engine step on purpose: they are configuration, owned
by no process; a step reads the value current when it runs (``register_referral`` reads
``triage_working_days``), so a change applies from the next step on and never rewrites a journey.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor
from workflows.errors import NotAllowed
from workflows.models import CouncilSetting
from workflows.operations import escalation
from workflows.operations.casework import SIGN_OFF_DEFAULTS

DEFAULTS: dict[str, Any] = {"earned_autonomy": False, "triage_working_days": 1, **escalation.DEFAULTS,
                            **SIGN_OFF_DEFAULTS}


def require_admin(actor: Actor) -> None:
    """Settings, teams and claim windows are the administrators'; NotAllowed for anyone else."""
    if not actor.is_admin:
        raise NotAllowed("only administrators change settings")


def council_settings(db: Session) -> dict[str, Any]:
    """Every setting, the defaults filled in for keys never saved."""
    rows = db.scalars(select(CouncilSetting).order_by(CouncilSetting.key))
    return {**DEFAULTS, **{r.key: r.value for r in rows}}


def save_council_settings(db: Session, actor: Actor, values: Mapping[str, Any]) -> dict[str, Any]:
    """Each given key set to its (already validated) value; keys not given keep theirs."""
    require_admin(actor)
    for key, value in values.items():
        row = db.get(CouncilSetting, key) or CouncilSetting(key=key)
        row.value = value
        db.add(row)
    db.commit()
    return council_settings(db)
