"""The domain's one access policy: the council's groups, and who may read, submit, manage and view what.

docs/sources/DESIGN.md's access matrix in code. Task-level rules (who sees, claims, releases a task) are
the engine's own, in engine/access.py; everything here is about the referral-to-claim domain. The pages
and the API ask these predicates and never compare group names themselves.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from engine.access import Actor, visible_tasks
from engine.models import HumanTask, HumanTaskField, TaskStatus
from forms.choices import SIGNPOSTING_ROUTES
from workflows.models import Family, TfRegister


class Role(StrEnum):
    """Every group the lifecycle's lanes and pages name (labels in web/council.py)."""

    REFERRER = "referrer"
    EARLY_HELP_UNIT = "early_help_unit"
    CASE_MANAGER = "case_manager"
    TEAM_MANAGER = "team_manager"
    PARENTING_FAMILY_TEAM = "parenting_family_team"
    TF_TEAM = "tf_team"
    TF_PROJECT_MANAGER = "tf_project_manager"
    TF_COORDINATOR = "tf_coordinator"
    PROCESS_OWNER = "process_owner"
    ADMIN = "admin"


class Landing(StrEnum):
    """The page a person lands on after signing in (web/ui/auth/session.landing_url maps it to an endpoint)."""

    USERS = "users"
    DEFINITIONS = "definitions"
    REFERRAL = "referral"
    DASHBOARD = "dashboard"
    INBOX = "inbox"


TF_GROUPS = frozenset({Role.TF_TEAM, Role.TF_PROJECT_MANAGER, Role.TF_COORDINATOR})
TF_OVERSIGHT = frozenset({Role.TF_PROJECT_MANAGER, Role.TF_COORDINATOR})
ALLOCATED_GROUPS = frozenset({Role.CASE_MANAGER, Role.PARENTING_FAMILY_TEAM})
STAFF = frozenset({Role.EARLY_HELP_UNIT, Role.CASE_MANAGER, Role.TEAM_MANAGER, Role.PARENTING_FAMILY_TEAM,
                   Role.PROCESS_OWNER, Role.ADMIN}) | TF_GROUPS
SUBMITTERS = frozenset({Role.REFERRER, Role.EARLY_HELP_UNIT, Role.ADMIN})
REFERRAL_STARTERS = frozenset({Role.REFERRER, Role.EARLY_HELP_UNIT})  # the "Refer a family" link
TF_READERS = TF_GROUPS | {Role.ADMIN}
DASHBOARD_VIEWERS = frozenset({Role.TEAM_MANAGER, Role.TF_PROJECT_MANAGER, Role.TF_COORDINATOR, Role.ADMIN,
                               Role.PROCESS_OWNER})
ADMINS = frozenset({Role.ADMIN})
DEFINITION_MANAGERS = frozenset({Role.ADMIN, Role.PROCESS_OWNER})


def family_tasks(ref: str) -> ColumnElement[bool]:
    """The condition matching the human tasks of a family (by its reference)."""
    return and_(HumanTaskField.task_id == HumanTask.id, HumanTaskField.name == "family_ref",
                HumanTaskField.value == ref)


def may_read(session: Session, actor: Actor, family: Family) -> bool:
    """Role *and* need to know. Everyone else gets the same 404 as for an unknown reference."""
    if actor.is_admin:
        return True
    if TF_GROUPS & actor.groups and session.get(TfRegister, family.id) is not None:
        return True
    if Role.TEAM_MANAGER in actor.groups and family.team_id and family.team_id in actor.teams:
        return True
    if ALLOCATED_GROUPS & actor.groups and family.case_manager == actor.username:
        return True
    # The unit leads the families it signposts after triage: it gathers their outcomes (guidance 13b).
    if Role.EARLY_HELP_UNIT in actor.groups and family.route in SIGNPOSTING_ROUTES:
        return True
    ref = family.ref or ""
    # Working on it now (the Early Help Unit in triage, an unallocated PFT task) or, for the
    # allocated groups, having worked on it.
    works_on = and_(HumanTask.state == TaskStatus.OPEN, visible_tasks(actor),
                    or_(HumanTask.assignee.is_(None), HumanTask.assignee == actor.username))
    if ALLOCATED_GROUPS & actor.groups:
        works_on = or_(works_on, HumanTask.assignee == actor.username, HumanTask.completed_by == actor.username)
    return bool(session.scalar(select(exists().where(family_tasks(ref), works_on))))


def readable_family(session: Session, actor: Actor, ref: str | None) -> Family | None:
    """The family with this reference if this person may read it; else None, so the page says 404."""
    family = session.scalar(select(Family).where(Family.ref == ref)) if ref else None
    if family is None or not may_read(session, actor, family):
        return None
    return family


def is_admin(actor: Actor) -> bool:
    return bool(ADMINS & actor.groups)


def is_tf_reader(actor: Actor) -> bool:
    """The TF groups and administrators: claim windows, audits and claims (counts and files)."""
    return bool(TF_READERS & actor.groups)


def may_manage_claims(actor: Actor) -> bool:
    """Invalidating a claim: the TF team and administrators, not the oversight roles."""
    return actor.is_admin or Role.TF_TEAM in actor.groups


def may_submit(actor: Actor) -> bool:
    """Submitting a referral (the API and the referral pages)."""
    return bool(SUBMITTERS & actor.groups)


def may_view_dashboard(actor: Actor) -> bool:
    return bool(DASHBOARD_VIEWERS & actor.groups)


def landing(actor: Actor) -> Landing:
    """Admins and process owners have no inbox to speak of: they land on their own pages.

    Someone only in the referrer group (a partner agency) has no tasks at all: they land on the
    referral form's start page. The TF oversight roles land on the dashboard; their audits are a click
    away under Tasks.
    """
    if Role.ADMIN in actor.groups:
        return Landing.USERS
    if Role.PROCESS_OWNER in actor.groups:
        return Landing.DEFINITIONS
    if actor.groups == {Role.REFERRER}:
        return Landing.REFERRAL
    if actor.groups & TF_OVERSIGHT and not actor.groups & {Role.TF_TEAM, Role.TEAM_MANAGER}:
        return Landing.DASHBOARD
    return Landing.INBOX
