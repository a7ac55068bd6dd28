"""Drafts: a person's unfinished answers to a task, bound to that person and that task only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from web.ui.forms_render import Answers
from web.ui.models import TaskDraft

# Our own form controls, never answers: not kept in a draft.
CONTROL_KEYS = {"csrf_token", "action"}


def posted_answers(form: dict[str, list[str]]) -> Answers:
    return {key: [str(v) for v in values] for key, values in form.items() if key not in CONTROL_KEYS}


def save(session: Session, user_id: int, task_id: str, answers: Answers, now: datetime) -> None:
    draft = session.get(TaskDraft, (user_id, task_id))
    if draft is None:
        session.add(TaskDraft(user_id=user_id, task_id=task_id, answers=answers, saved_at=now))
    else:
        draft.answers = answers
        draft.saved_at = now
    session.commit()


def load(session: Session, user_id: int, task_id: str) -> tuple[Answers, datetime | None]:
    draft = session.get(TaskDraft, (user_id, task_id))
    if draft is None:
        return {}, None
    return {str(k): [str(v) for v in values] for k, values in draft.answers.items()}, draft.saved_at


def discard(session: Session, user_id: int, task_id: str) -> None:
    session.execute(delete(TaskDraft).where(TaskDraft.user_id == user_id, TaskDraft.task_id == task_id))
    session.commit()
