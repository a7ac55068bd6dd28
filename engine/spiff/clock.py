"""SpiffWorkflow's timers on the project clock, with month ends clamped.

SpiffWorkflow reads the time only in ``SpiffWorkflow.bpmn.specs.event_definitions.timer``, always as
``datetime.now(UTC)`` through that module's global name ``datetime`` (duration, date and cycle timers,
and ``TimerEventDefinition.get_timedelta_from_start``). That global is process-wide, so the source
behind it lives in one module-level holder: the latest installed wins. Both replacements are made when
an engine is built (engine/runtime.py), never at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_module
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

_now: Callable[[], datetime] | None = None
_install_lock = threading.Lock()


class _PlainDatetimeMeta(type):
    # The timer module also uses its ``datetime`` name for isinstance(); our constructors return plain
    # datetimes (below), so make isinstance() accept every datetime.
    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, datetime)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, datetime)


class _ProjectClockDatetime(datetime, metaclass=_PlainDatetimeMeta):
    """``datetime`` as the timer module sees it: ``now()`` reads the installed source."""

    def __new__(cls, *args: Any, **kwargs: Any) -> datetime:  # type: ignore[misc]
        # fromisoformat()/combine()/fromisocalendar() call cls(...): hand back plain datetimes, so nothing
        # of this class leaks into task data, the serializer (which looks types up exactly) or the database.
        return datetime(*args, **kwargs)

    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        source = _now
        moment = source() if source is not None else datetime.now(UTC)
        return moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)


def read_time_from(now: Callable[[], datetime]) -> None:
    """Make SpiffWorkflow's timers read ``now()`` (timezone-aware). Idempotent; the latest call wins."""
    global _now
    with _install_lock:
        _now = now
        if timer_module.datetime is not _ProjectClockDatetime:
            timer_module.datetime = _ProjectClockDatetime


def install_month_end_clamping() -> None:
    """Make SpiffWorkflow's duration timers clamp month ends, as the project clock and the rules do.

    SpiffWorkflow adds whole month lengths (31 January + P1M = 3 March); people mean 28 February.
    """
    original = TimerEventDefinition.get_timedelta_from_start
    if getattr(original, "clamps_month_ends", False):
        return

    def clamped(parsed_duration: dict[str, Any], start: datetime | None = None) -> Any:
        years, months = parsed_duration.get("years", 0), parsed_duration.get("months", 0)
        if int(years) != years or int(months) != months:  # fractional months: keep the library's reading
            return original(dict(parsed_duration), start)
        rest = {k: v for k, v in parsed_duration.items() if k not in ("years", "months")}
        start = start or timer_module.datetime.now(timer_module.timezone.utc)
        end = start + relativedelta(years=int(years), months=int(months))
        return (end - start) + timer_module.timedelta(**rest)

    clamped.clamps_month_ends = True  # type: ignore[attr-defined]
    TimerEventDefinition.get_timedelta_from_start = staticmethod(clamped)
