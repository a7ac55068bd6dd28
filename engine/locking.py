"""Claiming work rows so that several workers share a queue and never take the same row."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

T = TypeVar("T")
S = TypeVar("S", bound=Select)  # any select, whatever it returns


def skipping_locked(session: Session, statement: S) -> S:
    """``statement`` locking what it reads for this transaction, skipping what others hold.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED``. SQLite has one writer (our transactions begin IMMEDIATE),
    so the statement is already exclusive there.
    """
    if session.get_bind().dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True)
    return statement


def first_unclaimed(session: Session, statement: Select[T]) -> T | None:
    """The first row of ``statement``, locked for this transaction and skipped by everyone else."""
    result: T | None = session.scalar(skipping_locked(session, statement))
    return result
