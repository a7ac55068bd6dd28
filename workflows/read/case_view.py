"""A family's case, read for its case page: household, indicators by headline issue, the plan and its
progress, sustainment windows with countdowns, audits and claim, open tasks, the timeline and diagrams.

Pure reads (no Flask): the caller has already decided, with ``family_view.may_read``, that the viewer
may see this family. Every query is bounded; the timeline reads only this family's instances, and in a
claim window (which serves many families) only the events of this family's own audit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from engine.models import Event, HumanTask, HumanTaskField, Instance, TaskStatus, Team, User
from forms.choices import AUDIT_RESULTS, INDICATORS, PROGRESS, ROLES
from workflows.frameworks.loader import load_framework
from workflows.models import Claim, ClaimWindow, Family, Outcome, Person, Referral, WindowFamily
from workflows.read.case_journey import Diagram, choose, diagrams_of, instance_rows, nodes_of_version, version_files
from workflows.read.family_view import claim_view
from workflows.rules.moments import LONDON

TIMELINE_LIMIT = 100
SCAN_LIMIT = 400  # events read to fill the timeline once the engine's bookkeeping is left out
MAX_INSTANCES = 25
MAX_ROWS = 50
REVIEW_STEPS = ("review", "review_escalated", "pft_review")
# The engine's bookkeeping, left out of the timeline: what people did, what they were asked to do, what
# arrived and what ran (call activities, subprocesses, timers, messages, ends) is what a reader follows.
QUIET_KINDS = frozenset({"operation_ran", "message_thrown", "message_received"})
QUIET_NODES = frozenset({"scriptTask", "serviceTask", "startEvent", "exclusiveGateway", "parallelGateway",
                         "inclusiveGateway", "eventBasedGateway", "complexGateway"})
_INDICATOR = dict(INDICATORS)
_PROGRESS = dict(PROGRESS)
_RESULT = dict(AUDIT_RESULTS)
_ROLE = dict(ROLES)
OUTCOME_STATUS = {"running": "Running", "sustained": "Sustained", "broken": "Broken",
                  "not_achieved": "Not achieved", "awaiting_decision": "Awaiting a decision"}


@dataclass
class TimelineItem:
    title: str
    at: datetime
    by: str | None
    description: str


@dataclass
class CaseView:
    family: Family
    now: datetime
    household: list[dict[str, str]] = field(default_factory=list)
    issues: list[tuple[str, list[str]]] = field(default_factory=list)
    targets: list[dict[str, str]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    audits: list[dict[str, Any]] = field(default_factory=list)
    claim: dict[str, Any] | None = None
    open_tasks: list[HumanTask] = field(default_factory=list)
    timeline: list[TimelineItem] = field(default_factory=list)
    diagrams: list[Diagram] = field(default_factory=list)
    # The team's and the case manager's names as people read them (the ids when no such row exists).
    team_name: str | None = None
    case_manager_name: str | None = None
    selected: Diagram | None = None


def days_until(moment: datetime, now: datetime) -> int:
    """Whole days between the London dates, so the count changes at local midnight."""
    return (moment.astimezone(LONDON).date() - now.astimezone(LONDON).date()).days


def _names(people: list[Person]) -> dict[str, str]:
    return {str(p.person_id): f"{p.given_name} {p.family_name}".strip() for p in people}


def _label(number: Any, who: str) -> str:
    text = str(_INDICATOR.get(number, number))
    return f"{text} ({who})" if who else text


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _rows(value: Any) -> list[Mapping[str, Any]]:
    return [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []


def family_instances(session: Session, family: Family) -> tuple[list[Instance], list[Instance]]:
    """The family's own instances (referrals, per-family follow-ups) and the claim windows it is pooled in."""
    own = set(session.scalars(select(Referral.instance_id).where(Referral.family_id == family.id)
                              .order_by(Referral.id.desc()).limit(MAX_INSTANCES)))
    if family.ref:
        own |= set(session.scalars(select(Instance.id).where(Instance.business_key == family.ref)
                                   .order_by(Instance.id.desc()).limit(MAX_INSTANCES)))
    windows = set(session.scalars(
        select(ClaimWindow.instance_id).join(WindowFamily, WindowFamily.window_id == ClaimWindow.id)
        .where(WindowFamily.family_id == family.id).order_by(ClaimWindow.id.desc()).limit(MAX_INSTANCES)))
    return instance_rows(session, own - windows), instance_rows(session, windows)


def build_case(session: Session, family: Family, now: datetime) -> CaseView:
    view = CaseView(family=family, now=now)
    if family.team_id:
        team = session.get(Team, family.team_id)
        view.team_name = team.name if team else family.team_id
    if family.case_manager:
        name = session.scalar(select(User.display_name).where(User.username == family.case_manager))
        view.case_manager_name = name or family.case_manager
    people = list(session.scalars(select(Person).where(Person.family_id == family.id).order_by(Person.id)
                                  .limit(MAX_ROWS)))
    names = _names(people)
    view.household = [{"name": names[str(p.person_id)], "date_of_birth": p.date_of_birth,
                       "relationship": p.relationship, "role": _ROLE.get(p.role, p.role)} for p in people]
    own, windows = family_instances(session, family)
    latest = max(own, key=lambda i: (i.process_id == "family_referral", i.id), default=None)
    data = _mapping(latest.data) if latest else {}
    _issues(view, family, data, names)
    _plan(session, view, own, names)
    _outcomes(session, view, family, names)
    _audits(session, view, family)
    ref = family.ref or ""
    view.open_tasks = list(session.scalars(
        select(HumanTask).where(exists().where(HumanTaskField.task_id == HumanTask.id,
                                               HumanTaskField.name == "family_ref", HumanTaskField.value == ref),
                                HumanTask.state == TaskStatus.OPEN)
        .order_by(HumanTask.created_at, HumanTask.id).limit(MAX_ROWS)))
    task_process: dict[str, str] = {}
    window_tasks: list[str] = []
    for instance in own + windows:
        diagrams, processes = diagrams_of(session, instance, ref)
        view.diagrams.extend(diagrams)
        task_process.update(processes)
        if instance in windows:
            window_tasks.extend(processes)
    view.selected = choose(view.diagrams)
    view.timeline = timeline(session, [i.id for i in own], {i.id: i for i in own + windows}, window_tasks,
                             task_process)
    return view


def _issues(view: CaseView, family: Family, data: Mapping[str, Any], names: Mapping[str, str]) -> None:
    rows = list(_rows(family.indicators)) + _rows(_mapping(data.get("assessment")).get("indicators"))
    view.issues = indicators_by_headline(rows, names, family.framework)


def indicators_by_headline(rows: Iterable[Mapping[str, Any]], names: Mapping[str, str],
                           framework_id: str) -> list[tuple[str, list[str]]]:
    """Indicator rows (``{"person_id", "indicator"}``) as "label (person)" lines under the framework's
    headline issues, each person's indicator once; headline issues with nothing are left out."""
    found: dict[int, list[str]] = {}
    seen: set[tuple[str, int]] = set()
    for row in rows:
        number, person = row.get("indicator"), str(row.get("person_id"))
        if isinstance(number, int) and (person, number) not in seen:
            seen.add((person, number))
            found.setdefault(number, []).append(_label(number, names.get(person, "")))
    grouped = []
    for headline, numbers in load_framework(framework_id).headline_groups():
        listed = [text for number in numbers for text in found.get(number, [])]
        if listed:
            grouped.append((headline, listed))
    return grouped


def _plan(session: Session, view: CaseView, own: list[Instance], names: Mapping[str, str]) -> None:
    plan: Mapping[str, Any] = {}
    for instance in sorted(own, key=lambda i: i.id, reverse=True):
        plan = _mapping(instance.data.get("action_plan") or instance.data.get("pft_plan"))
        if plan:
            break
    reviews: Any = session.scalars(
        select(Event).where(Event.instance_id.in_([i.id for i in own]), Event.kind == "task_completed",
                            Event.bpmn_id.in_(REVIEW_STEPS), Event.actor != "engine")
        .order_by(Event.id.desc()).limit(MAX_ROWS)) if own else []
    progress: dict[tuple[str, Any], dict[str, str]] = {}
    for event in reviews:
        answers = _mapping(event.data)
        view.reviews.append({"reviewed_on": str(answers.get("reviewed_on", "")), "by": event.actor,
                             "next_steps": str(answers.get("next_steps", "")),
                             "ready_to_close": bool(answers.get("ready_to_close"))})
        for row in _rows(answers.get("progress")):
            key = (str(row.get("person_id")), row.get("indicator"))
            progress.setdefault(key, {"status": _PROGRESS.get(str(row.get("status")), str(row.get("status", ""))),
                                      "evidence": str(row.get("evidence", "")),
                                      "reviewed_on": str(answers.get("reviewed_on", ""))})
    for row in _rows(plan.get("targets")):
        person = str(row.get("person_id"))
        latest = progress.get((person, row.get("indicator")), {})
        view.targets.append({"target": str(row.get("target", "")), "person": names.get(person, ""),
                             "indicator": str(_INDICATOR.get(row.get("indicator"), "")),
                             "by_date": str(row.get("by_date", "")), **latest})


def _outcomes(session: Session, view: CaseView, family: Family, names: Mapping[str, str]) -> None:
    for outcome in session.scalars(select(Outcome).where(Outcome.family_id == family.id).order_by(Outcome.id)
                                   .limit(MAX_ROWS)):
        due = outcome.sustained_at
        view.outcomes.append({
            "indicator": _label(outcome.indicator, names.get(outcome.person_id, "")),
            "kind": "Continuous employment" if outcome.kind == "continuous_employment" else "Progress",
            "anchor_date": outcome.anchor_date, "due": due, "status": outcome.status,
            "status_label": OUTCOME_STATUS.get(outcome.status, outcome.status), "reason": outcome.reason,
            "days": days_until(due, view.now) if due else None})


def _audits(session: Session, view: CaseView, family: Family) -> None:
    rows = session.execute(
        select(WindowFamily, ClaimWindow.name).join(ClaimWindow, ClaimWindow.id == WindowFamily.window_id)
        .where(WindowFamily.family_id == family.id).order_by(ClaimWindow.id).limit(MAX_ROWS))
    for row, name in rows:
        stages = [(stage, _RESULT.get(str(_mapping(result).get("result")), str(_mapping(result).get("result"))),
                   str(_mapping(result).get("reasons") or "")) for stage, result in sorted(row.audits.items())]
        view.audits.append({"window": name, "sampled": row.sampled, "claim_type": row.claim_type,
                            "outcome": row.outcome, "stages": stages})
    claim = session.scalar(select(Claim).where(Claim.family_id == family.id))
    view.claim = claim_view(session, claim) if claim else None


def timeline(session: Session, own_ids: list[int], instances: Mapping[int, Instance], window_tasks: list[str],
             task_process: Mapping[str, str]) -> list[TimelineItem]:
    """Newest first, bounded. A claim window's events count only when they are this family's audit's."""
    concerns: list[Any] = [Event.instance_id.in_(own_ids)] if own_ids else []
    shared = [i for i in instances if i not in own_ids]
    if shared and window_tasks:
        concerns.append(and_(Event.instance_id.in_(shared), Event.task_id.in_(window_tasks)))
    if not concerns:
        return []
    events = list(session.scalars(select(Event).where(or_(*concerns), Event.kind.not_in(QUIET_KINDS))
                                  .order_by(Event.id.desc()).limit(SCAN_LIMIT)))
    usernames = {e.actor for e in events} | {str(_mapping(e.data).get("assignee")) for e in events
                                             if e.kind == "task_opened" and _mapping(e.data).get("assignee")}
    usernames |= {str(_mapping(e.data).get(key)) for e in events if e.kind == "lead_professional_changed"
                  for key in ("from", "to") if _mapping(e.data).get(key)}
    people = {u: n for u, n in session.execute(select(User.username, User.display_name).where(
        User.username.in_(usernames)))} if events else {}
    items: list[TimelineItem] = []
    for event in events:
        instance = instances[event.instance_id]
        nodes = nodes_of_version(session, instance.version_id)
        drawn = version_files(session, instance.version_id).get(instance.process_id)
        process = drawn.processes[instance.process_id] if drawn else instance.process_id
        item = _item(event, nodes.get(event.bpmn_id or ""), process, task_process, people)
        if item is not None:
            items.append(item)
        if len(items) >= TIMELINE_LIMIT:
            break
    return items


def _item(event: Event, node: Any, process: str, task_process: Mapping[str, str],
          people: Mapping[str, str]) -> TimelineItem | None:
    name = (node.name if node else "") or (event.bpmn_id or "").replace("_", " ").capitalize()
    data = _mapping(event.data)
    by = None if event.actor == "engine" else people.get(event.actor, event.actor)
    where = task_process.get(event.task_id or "", "")
    if event.kind == "task_completed":
        if event.actor == "engine" and (node is None or node.kind in QUIET_NODES or not node.name):
            return None
        title = f"{name}: done"
    elif event.kind == "task_opened":
        assignee = str(data.get("assignee") or "")
        waiting_for = people.get(assignee, assignee) or str(data.get("group") or "").replace("_", " ")
        title = f"{name}: waiting for {waiting_for}"
    elif event.kind in {"task_cancelled", "task_claimed", "task_unclaimed", "task_reassigned"}:
        title = f"{name}: {event.kind.removeprefix('task_')}"
    elif event.kind == "instance_started":
        title, where = f"Started: {where or process}", ""
    elif event.kind == "instance_completed":
        title, where = f"Finished: {process}", ""
    elif event.kind == "lead_professional_changed":  # workflows/services/reassign.py
        before, after = str(data.get("from") or ""), str(data.get("to") or "")
        title = f"Case manager changed to {people.get(after, after)}"
        where = f"Handed over from {people.get(before, before)}" if before else where
    elif event.kind == "tf_team_alerted":
        title = "Troubled Families team alerted"
    else:
        title = event.kind.replace("_", " ").capitalize()
    return TimelineItem(title=title, at=event.at, by=by, description=where)
