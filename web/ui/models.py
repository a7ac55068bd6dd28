"""Tables the web pages need and the engine does not: sign-in state, drafts, OIDC group mapping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime


class LoginState(Base):
    """Per-user sign-in state: failed attempts (for the lockout) and the OIDC subject, if any."""

    __tablename__ = "web_login_state"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Sessions signed in before this moment are over: sign-out and a new password end them everywhere
    # (the session is a signed cookie, so this is how the server takes one back).
    sessions_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # issuer + subject: the stable OIDC identity (an email or username at the IdP may change).
    oidc_subject: Mapped[str | None] = mapped_column(String(500), unique=True)


class TaskDraft(Base):
    """A person's unfinished answers to one task, exactly as posted. Only that person ever sees them."""

    __tablename__ = "web_task_draft"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GroupMapping(Base):
    """An identity provider's group claim value mapped by an admin to one of our groups."""

    __tablename__ = "web_group_mapping"

    claim_value: Mapped[str] = mapped_column(String(255), primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("user_group.id"), primary_key=True)


class ReferralDraft(Base):
    """A referral form in progress, server-side so a big household never overflows the session cookie.

    The session holds a random token; only its SHA-256 is stored, so reading this table does not let
    anyone take over someone's answers. ``user_id`` is empty for the public. A submitted draft is deleted
    (a resubmitted page finds its referral by the submission key instead); abandoned drafts expire
    (``updated_at`` is indexed for that sweep).
    """

    __tablename__ = "web_referral_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The one-time submission key, issued with the check-answers page; any change of answers clears it.
    submit_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
