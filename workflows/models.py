"""Domain tables of the referral-to-claim lifecycle, on the engine's metadata (one Alembic history).

Rows here change only inside engine steps (service-task operations in workflows/operations*.py), so
domain state commits or rolls back with the workflow state that caused it. References are derived
from the autoincrement id after a flush (``F-2027-000123``), so two concurrent intakes never collide.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, BigId, UTCDateTime


class CouncilSetting(Base):
    """One row per setting (``earned_autonomy``, ``framework``): configurable without a deploy."""

    __tablename__ = "council_setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class TeamSetting(Base):
    """Per-team settings keyed by the engine's team id: district and review cadence (3 or 4 months)."""

    __tablename__ = "team_setting"

    team_id: Mapped[str] = mapped_column(ForeignKey("team.id"), primary_key=True)
    district: Mapped[str] = mapped_column(String(50), index=True)
    kind: Mapped[str] = mapped_column(String(50), default="case_management")
    review_every_months: Mapped[int] = mapped_column(Integer, default=3)


class Family(Base):
    __tablename__ = "family"
    # The dashboard counts families by stage and district: one index-only scan, no table read; and
    # narrows its other panels to one district's families from an index too.
    __table_args__ = (Index("ix_family_stage", "status", "route", "district"),
                      Index("ix_family_district", "district", "id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ref: Mapped[str | None] = mapped_column(String(20), unique=True)
    # provisional (until triage decides a match), merged (into merged_into), open, closed
    status: Mapped[str] = mapped_column(String(20), default="provisional")
    merged_into: Mapped[str | None] = mapped_column(String(20))
    district: Mapped[str] = mapped_column(String(50))
    postcode: Mapped[str | None] = mapped_column(String(10), index=True)
    framework: Mapped[str] = mapped_column(String(50), default="fop-2017")
    route: Mapped[str | None] = mapped_column(String(50))
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    headline_issues: Mapped[list[int]] = mapped_column(JSON, default=list)
    eligible: Mapped[bool | None] = mapped_column(Boolean)
    team_id: Mapped[str | None] = mapped_column(String(100), index=True)
    case_manager: Mapped[str | None] = mapped_column(String(150), index=True)
    closure_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_on: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Referral(Base):
    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ref: Mapped[str | None] = mapped_column(String(20), unique=True)
    family_id: Mapped[int] = mapped_column(BigId, ForeignKey("family.id"), index=True)
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("instance.id"), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_by: Mapped[str] = mapped_column(String(150))
    referrer: Mapped[dict[str, Any]] = mapped_column(JSON)
    reasons: Mapped[str] = mapped_column(Text)


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (Index("ix_person_match", "family_name", "date_of_birth"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    family_id: Mapped[int] = mapped_column(BigId, ForeignKey("family.id"), index=True)
    referral_id: Mapped[int] = mapped_column(BigId, ForeignKey("referral.id"))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[str] = mapped_column(String(10))
    relationship: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10))


class TfRegister(Base):
    """The council's Troubled Families register (NIS+ in the seed): one row per identified family."""

    __tablename__ = "tf_register"

    family_id: Mapped[int] = mapped_column(BigId, ForeignKey("family.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    headline_issues: Mapped[list[int]] = mapped_column(JSON)
    framework: Mapped[str] = mapped_column(String(50))


class TfRegisterIssue(Base):
    """A registered family's current headline issues, a row each, kept by ``add_to_tf_register``: the
    dashboard counts families by issue from this index instead of expanding every family's JSON."""

    __tablename__ = "tf_register_issue"
    __table_args__ = (Index("ix_tf_register_issue", "headline_issue", "family_id"),
                      Index("ix_tf_register_issue_district", "district", "headline_issue"))

    family_id: Mapped[int] = mapped_column(BigId, ForeignKey("tf_register.family_id"), primary_key=True)
    headline_issue: Mapped[int] = mapped_column(Integer, primary_key=True)
    district: Mapped[str] = mapped_column(String(50))  # the family's, which never changes: one district's counts


class Outcome(Base):
    """One sustainment window: an indicator's outcome for a person, from its anchor to ``sustained_at``."""

    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    family_id: Mapped[int] = mapped_column(BigId, ForeignKey("family.id"), index=True)
    person_id: Mapped[str] = mapped_column(String(20))
    indicator: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30), default="progress")  # or continuous_employment
    anchor: Mapped[str] = mapped_column(String(30))
    anchor_date: Mapped[str] = mapped_column(String(10))
    sustained_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # running, sustained, broken, not_achieved, awaiting_decision (a window the FOP leaves to a person)
    status: Mapped[str] = mapped_column(String(20), default="running")
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ClaimWindow(Base):
    __tablename__ = "claim_window"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    local_cutoff_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("instance.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # auditing, submitted, closed
    # The reproducible Stage 2 draw: {"seed", "pool", "picks"} (also in the instance's history).
    sample: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class WindowFamily(Base):
    """A family in a window's pool, with its audit results by stage."""

    __tablename__ = "window_family"

    window_id: Mapped[int] = mapped_column(BigId, ForeignKey("claim_window.id"), primary_key=True)
    family_id: Mapped[int] = mapped_column(BigId, ForeignKey("family.id"), primary_key=True, index=True)
    claim_type: Mapped[str] = mapped_column(String(40))
    sampled: Mapped[bool] = mapped_column(Boolean, default=False)
    audits: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"1": {"result", "reasons"}, ...}
    outcome: Mapped[str] = mapped_column(String(20), default="auditing")  # passed, failed, batched


class Claim(Base):
    """A results claim. ``family_id`` is unique: a family is claimed at most once, even if invalidated."""

    __tablename__ = "claim"
    __table_args__ = (UniqueConstraint("family_id", name="uq_claim_family_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    family_id: Mapped[int] = mapped_column(BigId, ForeignKey("family.id"))
    window_id: Mapped[int] = mapped_column(BigId, ForeignKey("claim_window.id"), index=True)
    claim_type: Mapped[str] = mapped_column(String(40))  # sustained_progress, continuous_employment
    state: Mapped[str] = mapped_column(String(20), default="batched")  # submitted, paid, invalidated
    batched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invalidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invalid_reason: Mapped[str | None] = mapped_column(Text)


class IdempotentRequest(Base):
    """An ``Idempotency-Key`` per caller: the unique pair stops concurrent duplicates."""

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("username", "key", name="uq_idempotent_request_username"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(150))
    key: Mapped[str] = mapped_column(String(255))
    body_sha256: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


__all__ = [
    "Claim", "ClaimWindow", "CouncilSetting", "Family", "IdempotentRequest", "Outcome", "Person", "Referral",
    "TeamSetting", "TfRegister", "WindowFamily",
]
