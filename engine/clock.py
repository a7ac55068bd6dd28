"""One clock for everything: the engine, SpiffWorkflow's timers, due dates and the timer sweep.

Production reads the system clock. Tests and demos use a ``ManualClock`` whose offset from real time
is stored in the database, so web workers, the scheduler and the CLI all see the same time. A manual
clock only ever moves forward, and moving it runs nothing: the sweep notices due timers on its next tick.
Every time is timezone-aware UTC.

Script time limits do not use this clock: they use real monotonic time (see engine/scripts.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from dateutil.relativedelta import relativedelta
from sqlalchemy import BigInteger, Integer, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.errors import Invalid
from engine.models import Base

__all__ = [
    "Clock",
    "ClockState",
    "ManualClock",
    "SystemClock",
    "add_iso_duration",
    "install_spiff_clock",
    "parse_iso_duration",
]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ClockState(Base):
    """The manual clock's single row (id=1): how far ahead of real time it runs, in microseconds."""

    __tablename__ = "clock_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offset_us: Mapped[int] = mapped_column(BigInteger, default=0)


_ROW_ID = 1
_READ_OFFSET = select(ClockState.offset_us).where(ClockState.id == _ROW_ID)


MAX_AHEAD = timedelta(days=100 * 365)  # a century of simulated time is plenty for any test or demo


def _microseconds(delta: timedelta) -> int:
    # Exact integer arithmetic: float total_seconds() would lose microseconds over long offsets.
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class ManualClock:
    """Real UTC time plus an offset stored in ``clock_state``, shared by every process on the database.

    ``session_factory`` returns the session of the current unit of work (a ``scoped_session`` registry,
    Flask-SQLAlchemy's ``db.session``), not a new session per call. ``now()`` reads the offset inside that
    session's transaction, without flushing and without ending it: a second connection would deadlock on
    SQLite while the caller holds the write lock (BEGIN IMMEDIATE), and ending the transaction would
    end the caller's work. ``advance()`` and ``set()`` commit: call them outside a unit of work (CLI,
    admin action, test), which is also why they refuse a session with pending changes.
    """

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory

    def offset(self) -> timedelta:
        """How far ahead of real time the clock runs (zero while the row does not exist)."""
        # One primary-key SELECT per call and no cache: another process may have moved the clock.
        # On the session's connection, not through the ORM: no autoflush, and 15 µs instead of 70.
        connection = self._session_factory().connection(bind_arguments={"mapper": ClockState})
        offset_us = connection.execute(_READ_OFFSET).scalar()
        return timedelta(microseconds=offset_us or 0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()

    def advance(self, iso_duration: str) -> datetime:
        """Move forward by an ISO 8601 duration ("P6M", "P1DT2H", "PT30M"); returns the new time.

        Months and years clamp to the end of the month: 31 January + P1M is 28 (or 29) February.
        """
        duration = parse_iso_duration(iso_duration)
        return self._move(lambda current: _add(current, duration, iso_duration))

    def set(self, moment: datetime) -> datetime:
        """Jump to ``moment`` (timezone-aware); refuses a moment earlier than now. Returns the new time."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise Invalid(f"naive datetime {moment.isoformat()} refused: the clock needs a timezone-aware time")
        target = moment.astimezone(UTC)

        def check(current: datetime) -> datetime:
            if target < current:
                raise Invalid(
                    f"the clock never goes backwards: {target.isoformat()} is before now ({current.isoformat()})"
                )
            return target

        return self._move(check)

    def _move(self, target_of: Callable[[datetime], datetime]) -> datetime:
        session = self._session_factory()
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("move the clock outside a unit of work: this session has unsaved changes")
        # Two processes creating the missing row at once: one insert loses; the retry then finds the row.
        for attempt in range(2):
            try:
                target = self._move_once(session, target_of)
                session.commit()
                return target
            except IntegrityError:
                session.rollback()
                if attempt:
                    raise
            except BaseException:
                session.rollback()  # a refused move writes nothing
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _move_once(session: Session, target_of: Callable[[datetime], datetime]) -> datetime:
        # Core statements, not the ORM row: an identity-map copy loaded earlier could be stale.
        # FOR UPDATE serialises concurrent moves on PostgreSQL (SQLite serialises its writers anyway).
        where = ClockState.id == _ROW_ID
        offset_us = session.execute(select(ClockState.offset_us).where(where).with_for_update()).scalar()
        real = datetime.now(UTC)
        target = target_of(real + timedelta(microseconds=offset_us or 0))  # raises before any write
        if target - real > MAX_AHEAD:  # the clock never goes back: a clock set to 9999 would stay broken
            raise Invalid(f"the clock moves at most {MAX_AHEAD.days // 365} years ahead of real time, until "
                          f"{(real + MAX_AHEAD).date().isoformat()}: {target.isoformat()} is beyond")
        new_offset_us = max(offset_us or 0, _microseconds(target - real))
        if offset_us is None:
            session.execute(insert(ClockState).values(id=_ROW_ID, offset_us=new_offset_us))
        else:
            session.execute(update(ClockState).where(where).values(offset_us=new_offset_us))
        return target


# -- ISO 8601 durations --------------------------------------------------------------------------

_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d{1,6})?)S)?)?",
    re.IGNORECASE | re.ASCII,  # ASCII: \d must not accept other scripts' digits
)
_MAX_DIGITS = 9  # P999999999D is already far outside datetime's range; longer numbers are typos or attacks


def parse_iso_duration(text: str) -> relativedelta:
    """Parse "PnYnMnWnDTnHnMnS" (seconds may have a fraction) into a relativedelta.

    Years and months stay calendar units, so adding them clamps to the month's end (unlike SpiffWorkflow's
    own arithmetic, which turns 31 January + P1M into 3 March).
    """
    if not isinstance(text, str):
        raise Invalid(f"duration {text!r} is not a string")
    match = _DURATION.fullmatch(text.strip())
    parts = match.groupdict() if match else {}
    given = {name: value for name, value in parts.items() if value is not None}
    if not match or not given:
        raise Invalid(f"{text!r} is not an ISO 8601 duration such as P6M, P1DT2H or PT30M")
    if any(len(value.split(".")[0].split(",")[0]) > _MAX_DIGITS for value in given.values()):
        raise Invalid(f"duration {text!r} is too long")
    seconds = given.pop("seconds", "0").replace(",", ".")
    whole, _, fraction = seconds.partition(".")
    number = {name: int(value) for name, value in given.items()}
    return relativedelta(
        years=number.get("years", 0), months=number.get("months", 0), weeks=number.get("weeks", 0),
        days=number.get("days", 0), hours=number.get("hours", 0), minutes=number.get("minutes", 0),
        seconds=int(whole), microseconds=int(fraction.ljust(6, "0")) if fraction else 0,
    )


def _add(moment: datetime, duration: relativedelta, text: str) -> datetime:
    try:
        result: datetime = moment + duration
    except (OverflowError, ValueError) as exc:
        raise Invalid(f"duration {text!r} from {moment.isoformat()} is out of range") from exc
    return result


def add_iso_duration(moment: datetime, text: str) -> datetime:
    """``moment`` plus an ISO 8601 duration, with month-end clamping (31 Jan + P1M = 28/29 Feb).

    The calendar arithmetic happens in ``moment``'s own time zone: pass a Europe/London time to add
    wall-clock days and months there, or a UTC time to add them in UTC.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid(f"naive datetime {moment.isoformat()} refused: use a timezone-aware time")
    return _add(moment, parse_iso_duration(text), text)


# -- SpiffWorkflow's timers ------------------------------------------------------------------------


def install_spiff_clock(clock_getter: Callable[[], Clock]) -> None:
    """Make SpiffWorkflow's timers read ``clock_getter().now()`` (engine/spiff/clock.py). Idempotent; the
    latest call wins: in production there is one engine per process; in tests each engine fixture
    installs its own clock.

    The engine calls this when it is constructed (never at import time). The getter is called on every
    read, so the clock behind it may be swapped without reinstalling.
    """
    from engine import spiff  # here, not at the top: reading the clock needs no workflow library

    spiff.read_time_from(lambda: clock_getter().now())
