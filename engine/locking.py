"""Claiming work rows so that several workers share a queue and never take the same row."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select, text
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


def serialised(session: Session, name: str) -> None:
    """Wait until no other transaction holds the lock ``name``, then hold it until this one ends.

    For work that reads-then-inserts a row no existing row can lock (the next version number, a new
    unique name). PostgreSQL: a transaction-scoped advisory lock. SQLite: nothing to do, its
    transactions begin IMMEDIATE, so one writer runs at a time already.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})
