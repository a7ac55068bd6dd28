"""Claiming work rows so that several workers share a queue and never take the same row."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

T = TypeVar("T")


def first_unclaimed(session: Session, statement: Select[T]) -> T | None:
    """The first row of ``statement``, locked for this transaction and skipped by everyone else.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED``. SQLite has one writer (our transactions begin IMMEDIATE),
    so the statement is already exclusive there.
    """
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    result: T | None = session.scalar(statement)
    return result
