"""Reassigning a task; for a case manager's task of case management, handing the family over.

The case manager's tasks of ``case_management`` take their assignee from the process data
(``allocation.case_manager``) and the family's lead professional is ``family.case_manager`` (the case
page, the access policy, ``evidence_lead`` and ``broken_window`` read it). Reassigning such a task moves
all three in one engine transaction under the instance lock: the task row and the allocation every later
task reads (the engine's following reassign), and here the family's lead, with a
``lead_professional_changed`` event in the family's history. Any other task is the engine's plain reassign.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.access import Actor
from engine.errors import Invalid
from engine.models import HumanTask, Team, User
from engine.queries import get_task
from engine.runtime import Engine
from engine.steps import StepContext
from workflows.access import FAMILY_PROCESS, Role
from workflows.models import Family, Referral
from workflows.read.choices import is_team_case_manager

# The assignee of the tasks that follow the allocation (case_management.bpmn).
FOLLOWS_ALLOCATION = "allocation.case_manager"
LEAD_CHANGED = "lead_professional_changed"


def reassign(engine: Engine, actor: Actor, task_id: str, to_username: str) -> HumanTask:
    """Give an open task to a named person; a case manager's case-management task hands the family over.

    Refusals are the engine's (``Forbidden``, ``Conflict``, ``Invalid`` with ``details["assignee"]``);
    nothing is written when one is raised.
    """
    if get_task(engine.session(), actor, task_id).group_id != Role.CASE_MANAGER:
        return engine.reassign(task_id, to_username, actor)

    def hand_over(ctx: StepContext, row: HumanTask, path: str | None) -> None:
        if path == FOLLOWS_ALLOCATION:
            _hand_over(ctx, row, to_username)

    return engine.reassign(task_id, to_username, actor, follow=hand_over)


def _hand_over(ctx: StepContext, row: HumanTask, to_username: str) -> None:
    """Only to a case manager of the family's team (the allocation's rule); then the family's lead."""
    session = ctx.session
    if row.team_id and not is_team_case_manager(session, row.team_id, to_username):
        team = session.scalar(select(Team.name).where(Team.id == row.team_id)) or row.team_id
        name = session.scalar(select(User.display_name).where(User.username == to_username)) or to_username
        message = f"Select a case manager of the team {team}: {name} is not one"
        raise Invalid(message, task_id=row.id, details={"assignee": [message]})
    if ctx.instance.process_id != FAMILY_PROCESS:
        return  # bound to no family (see access.bound_instances)
    family = session.scalar(select(Family).join(Referral, Referral.family_id == Family.id)
                            .where(Referral.instance_id == row.instance_id).limit(1))
    if family is None or family.case_manager == to_username:
        return
    previous = family.case_manager
    family.case_manager = to_username
    ctx.record(LEAD_CHANGED, task_id=row.id, bpmn_id=row.bpmn_id,
               data={"family_ref": family.ref, "from": previous, "to": to_username})
