"""The domain's one access policy: the council's groups, and who may read, submit, manage and view what.

docs/sources/DESIGN.md's access matrix in code. Task-level rules (who sees, claims, releases a task) are
the engine's own, in engine/access.py; everything here is about the referral-to-claim domain. The pages
and the API ask these predicates and never compare group names themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from engine.access import Actor, visible_tasks
from engine.models import HumanTask, HumanTaskField, Instance, TaskStatus
from forms.choices import SIGNPOSTING_ROUTES
from workflows.models import ClaimWindow, Family, Referral, TfRegister


class Role(StrEnum):
    """Every group the lifecycle's lanes and pages name (labels in web/council.py)."""

    REFERRER = "referrer"
    EARLY_HELP_UNIT = "early_help_unit"
    CASE_MANAGER = "case_manager"
    TEAM_MANAGER = "team_manager"
    PARENTING_FAMILY_TEAM = "parenting_family_team"
    PFT_MANAGER = "pft_manager"
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
                   Role.PFT_MANAGER, Role.PROCESS_OWNER, Role.ADMIN}) | TF_GROUPS
SUBMITTERS = frozenset({Role.REFERRER, Role.EARLY_HELP_UNIT, Role.ADMIN})
REFERRAL_STARTERS = frozenset({Role.REFERRER, Role.EARLY_HELP_UNIT})  # the "Refer a family" link
TF_READERS = TF_GROUPS | {Role.ADMIN}
DASHBOARD_VIEWERS = frozenset({Role.TEAM_MANAGER, Role.TF_PROJECT_MANAGER, Role.TF_COORDINATOR, Role.ADMIN,
                               Role.PROCESS_OWNER})
ADMINS = frozenset({Role.ADMIN})
DEFINITION_MANAGERS = frozenset({Role.ADMIN, Role.PROCESS_OWNER})


# The processes that bind instances to the domain's records: a family's referral journey (through its
# ``referral`` row, written by the ``register_referral`` operation and moved by a triage match) and a
# claim window (its ``claim_window`` row). Nothing else binds: not inbox fields, not start data.
FAMILY_PROCESS = "family_referral"
WINDOW_PROCESS = "claim_window"
# The correlation property that names a family in the domain's messages.
FAMILY_KEY = "family_ref"


def family_tasks(ref: str) -> ColumnElement[bool]:
    """The condition matching the human tasks that carry a family's reference as an inbox field: for
    display and filtering only, never for access (see ``bound_instances``)."""
    return and_(HumanTaskField.task_id == HumanTask.id, HumanTaskField.name == "family_ref",
                HumanTaskField.value == ref)


def bound_instances(family: Family) -> Select[Any]:
    """The family's own journeys: the ``family_referral`` instances its referrals were registered by.
    The binding is the domain's record, never data a task or a start carries."""
    return (select(Referral.instance_id).join(Instance, Instance.id == Referral.instance_id)
            .where(Referral.family_id == family.id, Instance.process_id == FAMILY_PROCESS))


def may_read(session: Session, actor: Actor, family: Family) -> bool:
    """Role *and* need to know. Everyone else gets the same 404 as for an unknown reference."""
    if actor.is_admin:
        return True
    if TF_GROUPS & actor.groups and session.get(TfRegister, family.id) is not None:
        return True
    if Role.TEAM_MANAGER in actor.groups and family.team_id and family.team_id in actor.teams:
        return True
    # The Parenting and Family Team is one council-wide team (its workers and managers have no district
    # team): its managers sign off its closures (guidance 13f), so they read every family it works with.
    if Role.PFT_MANAGER in actor.groups and family.route == Role.PARENTING_FAMILY_TEAM.value:
        return True
    if ALLOCATED_GROUPS & actor.groups and family.case_manager == actor.username:
        return True
    # The unit leads the families it signposts after triage: it gathers their outcomes (guidance 13b).
    if Role.EARLY_HELP_UNIT in actor.groups and family.route in SIGNPOSTING_ROUTES:
        return True
    # Working on it now (the Early Help Unit in triage, an unallocated PFT task) or, for the
    # allocated groups, having worked on it.
    works_on = and_(HumanTask.state == TaskStatus.OPEN, visible_tasks(actor),
                    or_(HumanTask.assignee.is_(None), HumanTask.assignee == actor.username))
    if ALLOCATED_GROUPS & actor.groups:
        held = and_(HumanTask.state == TaskStatus.OPEN, HumanTask.assignee == actor.username)
        # A case manager the family was handed over from (workflows/services/reassign.py) keeps no access
        # through the work they did: the family's named case manager leads it now.
        handed_over = Role.CASE_MANAGER in actor.groups and family.case_manager not in (None, actor.username)
        past = or_(HumanTask.assignee == actor.username, HumanTask.completed_by == actor.username)
        works_on = or_(works_on, held if handed_over else past)
    return bool(session.scalar(select(exists().where(HumanTask.instance_id.in_(bound_instances(family)), works_on))))


def readable_family(session: Session, actor: Actor, ref: str | None) -> Family | None:
    """The family with this reference if this person may read it; else None, so the page says 404."""
    family = session.scalar(select(Family).where(Family.ref == ref)) if ref else None
    if family is None or not may_read(session, actor, family):
        return None
    return family


def may_read_instance(session: Session, actor: Actor, instance_id: int) -> bool | None:
    """``engine.access.InstanceAccess``: a family's journey follows the family access matrix, a claim
    window is the TF groups' (and administrators'); any other instance is left to participation."""
    referral = session.scalar(select(Referral).join(Instance, Instance.id == Referral.instance_id)
                              .where(Referral.instance_id == instance_id, Instance.process_id == FAMILY_PROCESS)
                              .limit(1))
    if referral is not None:
        family = session.get(Family, referral.family_id)
        return family is not None and may_read(session, actor, family)
    window = session.scalar(select(ClaimWindow.id).join(Instance, Instance.id == ClaimWindow.instance_id)
                            .where(ClaimWindow.instance_id == instance_id, Instance.process_id == WINDOW_PROCESS))
    if window is not None:
        return is_tf_reader(actor)
    return None


def may_address(session: Session, actor: Actor, name: str, correlation: Mapping[str, Any],
                payload: Mapping[str, Any]) -> bool:
    """``engine.delivery.CorrelationCheck``: a message naming a family (its correlation's ``family_ref``)
    goes only from someone who may read that family, and never for a family that does not exist (so it
    is never kept for a reference not yet issued); a payload may not name another family. False is the
    same 404 for a hidden family and a missing one, before anything is delivered, started or kept."""
    if FAMILY_KEY not in correlation:
        return True  # names no family: nothing of the domain's to guard
    ref = correlation[FAMILY_KEY]
    if FAMILY_KEY in payload and payload[FAMILY_KEY] != ref:
        return False
    family = readable_family(session, actor, ref) if isinstance(ref, str) else None
    return family is not None


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
