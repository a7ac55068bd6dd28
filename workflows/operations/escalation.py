"""Where an overdue task goes and when the escalated task is due, from the council's settings.

Overdue triage and overdue Parenting and Family Team reviews escalate to a manager group the council
names (``triage_escalation_group``, ``pft_escalation_group``; team_manager by default: the Team Managers
and Senior Professional Practitioners of docs/sources/DOMAIN.md, who "see overdue reviews"). Every
escalated task, the case-management one included, is due ``escalation_working_days`` working days after
the task it escalates was due. A step reads the settings when it runs, so a change applies from the next
task on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from workflows.access import Role
from workflows.operations.common import setting
from workflows.rules.working_days import due_in_working_days

# Any group that works tasks may receive escalations; referrers work none.
ESCALATION_GROUPS: tuple[str, ...] = tuple(r.value for r in Role if r is not Role.REFERRER)
DEFAULTS: dict[str, Any] = {"triage_escalation_group": "team_manager", "pft_escalation_group": "team_manager",
                            "escalation_working_days": 5}


def escalation(session: Session, group_setting: str | None, overdue_at: str, team: str | None = None
               ) -> dict[str, Any]:
    """``{"group", "team", "due_at"}`` for a task overdue at ``overdue_at`` (ISO): the group from the named
    setting (None when the process's lane already names it), due the configured working days later.

    Team managers belong to district teams, so a team manager escalation goes to the family's team
    (``team``); the other groups have no teams, and a team there would hide the task from all of them.
    """
    days = int(setting(session, "escalation_working_days", DEFAULTS["escalation_working_days"]))
    group = setting(session, group_setting, DEFAULTS[group_setting]) if group_setting else None
    return {"group": group, "team": team if group == Role.TEAM_MANAGER else None,
            "due_at": due_in_working_days(overdue_at, days)}
