"""The managers' dashboard: counts only, one GROUP BY query per panel, never a family loaded into Python.

Every function takes the session (and the time, where "overdue" depends on it) and returns small rows
of labels and counts; nothing here names a person or a family, so the numbers may be shown to process
owners, who see counts but never records (docs/sources/DESIGN.md's access matrix). A district narrows the panels
that have one; a family's district is where it was referred from, a team's is its setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from engine.models import HumanTask, TaskStatus, Team
from workflows.models import Claim, ClaimWindow, Family, TeamSetting, TfRegister, TfRegisterIssue

# The stages a family moves through, in journey order: a (status, route) pair read as people say it.
STAGES: tuple[tuple[str, str], ...] = (
    ("triage", "Referred, waiting for triage"),
    ("case_management", "Early Help Case Management"),
    ("parenting_family_team", "Parenting and Family Team"),
    ("signposted", "Signposted"),
    ("no_further_action", "No further action"),
    ("closed", "Closed"),
)
CLAIM_STATES: tuple[tuple[str, str], ...] = (
    ("batched", "Batched"), ("submitted", "Submitted"), ("paid", "Paid"), ("invalidated", "Invalidated"),
)
# The review tasks of the two casework processes (called from the family's journey, so their task rows
# carry the top-level process id), and the one a manager gets once a review is overdue.
REVIEW_TASKS = ("review", "review_escalated", "pft_review")
ESCALATED = "review_escalated"
WINDOWS_SHOWN = 8  # the latest claim windows: two years of quarterly windows

SIGNPOSTED = frozenset({"signpost_internal", "signpost_external"})


def stage_of(status: str, route: str | None) -> str:
    """A family's stage from its status and route (one of ``STAGES``)."""
    if status == "provisional":
        return "triage"
    if status == "closed":
        return "closed"
    if route in SIGNPOSTED:
        return "signposted"
    return route or "triage"


@dataclass(frozen=True)
class StageCount:
    stage: str
    district: str
    families: int


@dataclass(frozen=True)
class TeamReviews:
    team_id: str | None
    team_name: str | None
    district: str | None
    open: int
    overdue: int


@dataclass(frozen=True)
class WindowClaims:
    window_id: int
    window: str
    state: str | None  # None: a window with no claims (yet)
    claims: int


def families_by_stage(session: Session, district: str | None = None) -> list[StageCount]:
    """Families (merged referrals are not families any more) by stage and district.

    Grouped on the plain columns, not on a CASE: PostgreSQL would not match a GROUP BY expression
    holding bound parameters to the same one in the select list. The (status, route, district)
    groups are a few dozen rows at most, folded into stages here."""
    query = (select(Family.status, Family.route, Family.district, func.count()).where(Family.status != "merged")
             .group_by(Family.status, Family.route, Family.district))
    if district:
        query = query.where(Family.district == district)
    counts: dict[tuple[str, str], int] = {}
    for status, route, where, n in session.execute(query):
        key = (stage_of(status, route), where)
        counts[key] = counts.get(key, 0) + int(n)
    return [StageCount(stage, where, n) for (stage, where), n in counts.items()]


def reviews_by_team(session: Session, now: datetime, district: str | None = None) -> list[TeamReviews]:
    """Open action-plan reviews by team, and how many are overdue: past their due time, or already
    escalated to the team's managers by the overdue timer (whichever the sweep has reached)."""
    overdue = or_(HumanTask.bpmn_id == ESCALATED, HumanTask.due_at < now)
    query = (
        select(HumanTask.team_id, Team.name, TeamSetting.district, func.count(),
               func.sum(case((overdue, 1), else_=0)))
        .outerjoin(Team, Team.id == HumanTask.team_id)
        .outerjoin(TeamSetting, TeamSetting.team_id == HumanTask.team_id)
        .where(HumanTask.state == TaskStatus.OPEN, HumanTask.bpmn_id.in_(REVIEW_TASKS))
        .group_by(HumanTask.team_id, Team.name, TeamSetting.district)
    )
    if district:
        query = query.where(TeamSetting.district == district)
    return [TeamReviews(t, name, d, int(n), int(late or 0)) for t, name, d, n, late in session.execute(query)]


def identified_by_headline(session: Session, district: str | None = None) -> dict[int, int]:
    """Families on the TF register by headline issue (1-6), and under 0 the number of families: a
    family with three issues counts once under each, so the issues do not add up to the families.
    Index-only counts: ``ix_tf_register_issue`` (or its district twin) and the register's primary key."""
    per_issue = (select(TfRegisterIssue.headline_issue.label("issue"), func.count().label("n"))
                 .group_by(TfRegisterIssue.headline_issue))
    total = select(literal(0, Integer).label("issue"), func.count().label("n")).select_from(TfRegister)
    if district:
        per_issue = per_issue.where(TfRegisterIssue.district == district)
        total = total.where(TfRegister.family_id.in_(select(Family.id).where(Family.district == district)))
    return {int(i): int(n) for i, n in session.execute(union_all(per_issue, total))}


def claims_by_window(session: Session, district: str | None = None) -> list[WindowClaims]:
    """Claims by window and state, for the latest windows (a window without claims still shows)."""
    latest = select(ClaimWindow.id).order_by(ClaimWindow.closes_at.desc()).limit(WINDOWS_SHOWN)
    joined = Claim.window_id == ClaimWindow.id
    if district:
        joined = and_(joined, Claim.family_id.in_(select(Family.id).where(Family.district == district)))
    query = (
        select(ClaimWindow.id, ClaimWindow.name, ClaimWindow.closes_at, Claim.state, func.count(Claim.id))
        .outerjoin(Claim, joined).where(ClaimWindow.id.in_(latest.scalar_subquery()))
        .group_by(ClaimWindow.id, ClaimWindow.name, ClaimWindow.closes_at, Claim.state)
        .order_by(ClaimWindow.closes_at, ClaimWindow.id)
    )
    return [WindowClaims(w, name, state, int(n)) for w, name, _closes, state, n in session.execute(query)]


def team_districts(session: Session, teams: frozenset[str]) -> set[str]:
    """The districts of these teams (a handful of primary-key reads): a team manager's own rows."""
    if not teams:
        return set()
    return set(session.scalars(select(TeamSetting.district).where(TeamSetting.team_id.in_(sorted(teams)))))
