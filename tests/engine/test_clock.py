"""The project clock: the manual clock's shared offset, ISO durations with month-end clamping, and
SpiffWorkflow's timers reading the project clock. No test sleeps or depends on the wall clock beyond
"now-ish": fixed moments are placed in the future relative to the real date."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, event, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from engine.clock import (
    ClockState,
    ManualClock,
    SystemClock,
    add_iso_duration,
    install_spiff_clock,
    parse_iso_duration,
)
from engine.errors import Invalid

SLACK = timedelta(seconds=30)  # the real time that may pass while a test runs


def _db_engine(path: Path, **kwargs: Any) -> Engine:
    engine = create_engine(f"sqlite:///{path}", **kwargs)
    ClockState.__table__.create(engine)  # type: ignore[attr-defined]
    return engine


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Engine]:
    engine = _db_engine(tmp_path / "clock.db")
    yield engine
    engine.dispose()


def _factory(engine: Engine) -> scoped_session[Session]:
    """The current unit-of-work session, as the app hands it to the clock (Flask-SQLAlchemy's db.session)."""
    return scoped_session(sessionmaker(engine))


@pytest.fixture
def clock(db: Engine) -> Iterator[ManualClock]:
    sessions = _factory(db)
    yield ManualClock(sessions)
    sessions.remove()


@pytest.fixture
def spiff_clock(clock: ManualClock) -> Iterator[ManualClock]:
    install_spiff_clock(lambda: clock)
    yield clock
    install_spiff_clock(SystemClock)  # later tests in this process must not read a deleted database


def _stored_offset(engine: Engine) -> int | None:
    with engine.connect() as connection:
        return connection.execute(select(ClockState.offset_us)).scalar()


def _next_year(leap: bool) -> int:
    year = datetime.now(UTC).year + 1
    while calendar.isleap(year) != leap:
        year += 1
    return year


def _near(actual: datetime, expected: datetime) -> bool:
    return expected <= actual <= expected + SLACK


# -- system and manual clocks -------------------------------------------------------------------


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock().now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < SLACK


def test_manual_clock_without_its_row_is_real_time(clock: ManualClock, db: Engine) -> None:
    assert clock.offset() == timedelta(0)
    assert _near(clock.now(), datetime.now(UTC) - timedelta(seconds=1))
    assert clock.now().utcoffset() == timedelta(0)
    assert _stored_offset(db) is None  # reading creates nothing


def test_advance_six_months(clock: ManualClock) -> None:
    before = clock.now()
    after = clock.advance("P6M")
    assert _near(after, add_iso_duration(before, "P6M"))
    assert clock.now() >= after
    assert timedelta(days=180) <= clock.offset() <= timedelta(days=185)


@pytest.mark.parametrize(("leap", "day"), [(False, 28), (True, 29)])
def test_month_end_clamps(clock: ManualClock, leap: bool, day: int) -> None:
    year = _next_year(leap)
    clock.set(datetime(year, 1, 31, 12, tzinfo=UTC))
    moved = clock.advance("P1M")
    assert _near(moved, datetime(year, 2, day, 12, tzinfo=UTC))


def test_set_backwards_is_refused_and_writes_nothing(clock: ManualClock, db: Engine) -> None:
    clock.advance("P1D")
    stored = _stored_offset(db)
    with pytest.raises(Invalid, match="never goes backwards"):
        clock.set(clock.now() - timedelta(hours=1))
    with pytest.raises(Invalid, match="naive"):
        clock.set(datetime.now() + timedelta(days=400))
    assert _stored_offset(db) == stored


def test_set_accepts_other_time_zones(clock: ManualClock) -> None:
    target = datetime.now(UTC) + timedelta(days=10)
    moved = clock.set(target.astimezone(datetime.now().astimezone().tzinfo))
    assert moved == target and moved.tzinfo == UTC


def test_bad_duration_is_refused_with_its_value(clock: ManualClock, db: Engine) -> None:
    for bad in ("P1X", "6 months", "P", "PT", "P-1D", "P1.5M", ""):
        with pytest.raises(Invalid, match="duration"):
            clock.advance(bad)
    assert _stored_offset(db) is None


def test_two_clocks_on_one_database_agree(db: Engine) -> None:
    first_sessions, second_sessions = _factory(db), _factory(db)  # two processes' sessions
    first, second = ManualClock(first_sessions), ManualClock(second_sessions)
    first.advance("P1Y")
    first_sessions.remove()  # each request ends
    second_sessions.remove()
    assert second.offset() == first.offset() >= timedelta(days=365)
    second_sessions.remove()
    second.advance("P1D")
    second_sessions.remove()
    assert first.offset() == second.offset() >= timedelta(days=366)
    assert abs(first.now() - second.now()) < SLACK


def test_now_reads_inside_the_callers_write_transaction(tmp_path: Path) -> None:
    """The app's SQLite runs every transaction as BEGIN IMMEDIATE: a second connection would wait
    for the caller's own write lock. The clock reads in the caller's session instead."""
    engine = _db_engine(tmp_path / "immediate.db", connect_args={"timeout": 0.05})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    notes = Table("note", MetaData(), Column("id", Integer, primary_key=True))
    notes.create(engine)
    sessions = _factory(engine)
    clock = ManualClock(sessions)
    clock.advance("P2D")
    session = sessions()
    session.execute(insert(notes).values(id=1))  # the caller holds SQLite's write lock now
    assert clock.offset() >= timedelta(days=2)
    session.commit()
    assert session.execute(select(func.count()).select_from(notes)).scalar() == 1
    sessions.remove()
    engine.dispose()


def test_moving_refuses_a_session_with_unsaved_changes(clock: ManualClock, db: Engine) -> None:
    session = _factory(db)()
    clock_with_pending = ManualClock(lambda: session)
    session.add(ClockState(id=1, offset_us=5))
    with pytest.raises(RuntimeError, match="unsaved changes"):
        clock_with_pending.advance("P1D")
    session.rollback()
    session.close()


# -- ISO durations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P6M", datetime(2027, 9, 30, 8, 0, tzinfo=UTC)),
        ("P1M", datetime(2027, 4, 30, 8, 0, tzinfo=UTC)),
        ("P1Y", datetime(2028, 3, 31, 8, 0, tzinfo=UTC)),
        ("P1DT2H", datetime(2027, 4, 1, 10, 0, tzinfo=UTC)),
        ("PT30M", datetime(2027, 3, 31, 8, 30, tzinfo=UTC)),
        ("P2W", datetime(2027, 4, 14, 8, 0, tzinfo=UTC)),
        ("PT1.5S", datetime(2027, 3, 31, 8, 0, 1, 500000, tzinfo=UTC)),
        ("P1M1D", datetime(2027, 5, 1, 8, 0, tzinfo=UTC)),
    ],
)
def test_add_iso_duration(text: str, expected: datetime) -> None:
    assert add_iso_duration(datetime(2027, 3, 31, 8, 0, tzinfo=UTC), text) == expected


def test_durations_refused() -> None:
    for bad in ("P1X", "1D", "PT5", "P1DT", "P1M1Y", "P1H", "P٣D", "P9999999999D"):
        with pytest.raises(Invalid) as refused:
            parse_iso_duration(bad)
        assert repr(bad) in str(refused.value)
    with pytest.raises(Invalid, match="out of range"):
        add_iso_duration(datetime(2027, 1, 1, tzinfo=UTC), "P999999999Y")
    with pytest.raises(Invalid, match="naive"):
        add_iso_duration(datetime(2027, 1, 1), "P1D")


# -- SpiffWorkflow's timers read the project clock ----------------------------------------------

TIMER_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs"
                  targetNamespace="http://example.org/clock-test">
  <bpmn:process id="wait" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="timer"/>
    <bpmn:intermediateCatchEvent id="timer">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition>{definition}</bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="timer" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def _timer_workflow(definition: str, **data: Any) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(TIMER_BPMN.format(definition=definition).encode())
    workflow = BpmnWorkflow(parser.get_spec("wait"))
    workflow.task_tree.data.update(data)
    workflow.do_engine_steps()
    return workflow


def _tick(workflow: BpmnWorkflow) -> None:
    workflow.refresh_timers()
    workflow.do_engine_steps()


def _waiting(workflow: BpmnWorkflow) -> bool:
    return bool(workflow.get_tasks(state=TaskState.WAITING, spec_name="timer"))


def test_duration_timer_fires_only_when_the_manual_clock_has_moved(spiff_clock: ManualClock) -> None:
    # A fixed mid-month start makes SpiffWorkflow's month arithmetic and ours agree exactly.
    spiff_clock.set(datetime(_next_year(False), 3, 15, 12, tzinfo=UTC))
    workflow = _timer_workflow('<bpmn:timeDuration>"P6M"</bpmn:timeDuration>')
    assert _waiting(workflow)
    spiff_clock.advance("P5M")
    _tick(workflow)
    assert _waiting(workflow) and not workflow.is_completed()
    spiff_clock.advance("P30D")
    _tick(workflow)
    assert _waiting(workflow)
    spiff_clock.advance("P1D")
    _tick(workflow)
    assert workflow.is_completed()


def test_date_timer_fires_only_when_the_manual_clock_has_moved(spiff_clock: ManualClock) -> None:
    due = (spiff_clock.now() + timedelta(days=10)).isoformat()
    workflow = _timer_workflow("<bpmn:timeDate>due_at</bpmn:timeDate>", due_at=due)
    spiff_clock.advance("P9D")
    _tick(workflow)
    assert _waiting(workflow)
    spiff_clock.advance("P1DT1M")
    _tick(workflow)
    assert workflow.is_completed()


def test_install_is_idempotent_and_the_latest_clock_wins(clock: ManualClock) -> None:
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    clock.advance("P10Y")
    try:
        install_spiff_clock(SystemClock)
        install_spiff_clock(SystemClock)
        patched = timer.datetime
        assert abs(timer.datetime.now(UTC) - datetime.now(UTC)) < SLACK
        install_spiff_clock(lambda: clock)
        assert timer.datetime is patched
        assert timer.datetime.now(UTC) - datetime.now(UTC) > timedelta(days=3600)
        # What the timer module builds stays a plain datetime (the serializer looks types up exactly).
        assert type(TimerEventDefinition.get_datetime("2030-01-01T00:00:00+00:00")) is datetime
        assert isinstance(datetime.now(), timer.datetime)
    finally:
        install_spiff_clock(SystemClock)
    assert abs(timer.datetime.now(UTC) - datetime.now(UTC)) < SLACK
