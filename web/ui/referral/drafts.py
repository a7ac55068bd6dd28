"""The referral form's answers in progress: a server-side row found through a random token in the session.

A household of eight would overflow Flask's 4 KB signed cookie, and the cookie is readable by its
holder anyway; so the session keeps only a random token, and the answers stay here. A signed-in
person who lost their session (a time-out) gets their latest draft back; a draft is bound to the
person who started it (nobody, for the public) and never moves between people. Abandoned drafts
expire after ``REFERRAL_DRAFT_HOURS`` (24 by default) and are purged whenever a new one starts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, session
from sqlalchemy import delete, select

from web.extensions import db
from web.ui.forms_render import Answers
from web.ui.models import ReferralDraft
from web.wiring import get_engine

TOKEN = "referral_draft"
SENT = "referrals_sent"  # the references this browser session submitted: only it sees their confirmation
KEEP_SENT = 5


def _now() -> datetime:
    return get_engine().clock.now()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _cutoff() -> datetime:
    return _now() - timedelta(hours=float(current_app.config["REFERRAL_DRAFT_HOURS"]))


def _bind(draft: ReferralDraft) -> None:
    """A fresh token for this session (the old one, if any, stops working)."""
    token = secrets.token_urlsafe(32)
    draft.token_sha256 = _hash(token)
    session[TOKEN] = token


def current(user_id: int | None) -> ReferralDraft | None:
    """This session's draft, or a signed-in person's latest one; never someone else's, never an expired one."""
    token = session.get(TOKEN)
    if isinstance(token, str):
        draft = db.session.scalar(select(ReferralDraft).where(ReferralDraft.token_sha256 == _hash(token)))
        if draft is not None and draft.user_id == user_id and draft.updated_at >= _cutoff():
            return draft
    if user_id is None:
        return None
    draft = db.session.scalar(
        select(ReferralDraft).where(ReferralDraft.user_id == user_id, ReferralDraft.updated_at >= _cutoff())
        .order_by(ReferralDraft.updated_at.desc()).limit(1))
    if draft is not None:
        _bind(draft)
        db.session.commit()
    return draft


def answers(draft: ReferralDraft | None) -> Answers:
    if draft is None:
        return {}
    return {str(k): [str(v) for v in values] for k, values in (draft.answers or {}).items()}


def save(user_id: int | None, new_answers: Answers) -> ReferralDraft:
    """Store the answers (a change withdraws any submission key: the check page must be seen again)."""
    now = _now()
    draft = current(user_id)
    if draft is None:
        db.session.execute(delete(ReferralDraft).where(ReferralDraft.updated_at < _cutoff()))
        draft = ReferralDraft(user_id=user_id, answers={}, created_at=now)
        _bind(draft)
        db.session.add(draft)
    draft.answers = new_answers
    draft.submit_key = None
    draft.updated_at = now
    db.session.commit()
    return draft


def issue_key(draft: ReferralDraft) -> str:
    """The one-time submission key shown with the check-answers page; it stays until the answers change."""
    if draft.submit_key is None:
        draft.submit_key = secrets.token_urlsafe(32)
        db.session.commit()
    return draft.submit_key


def withdraw_key(draft: ReferralDraft) -> None:
    draft.submit_key = None
    db.session.commit()


def finish(draft: ReferralDraft, referral_ref: str) -> None:
    """Sent: the answers are deleted (they live in the referral now) and only this session may see the ref."""
    db.session.execute(delete(ReferralDraft).where(ReferralDraft.id == draft.id))
    db.session.commit()
    session.pop(TOKEN, None)
    remember(referral_ref)


def remember(referral_ref: str) -> None:
    sent = [ref for ref in session.get(SENT, []) if isinstance(ref, str) and ref != referral_ref]
    session[SENT] = [*sent, referral_ref][-KEEP_SENT:]


def sent_here(referral_ref: str) -> bool:
    return referral_ref in session.get(SENT, [])
