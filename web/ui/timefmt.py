"""Times for people: stored in UTC, shown in Europe/London."""

from __future__ import annotations

from datetime import datetime, timedelta

from workflows.rules.moments import LONDON


def london(moment: datetime | None, *, with_time: bool = True) -> str:
    """``25 November 2026, 2:05pm`` in Europe/London (GOV.UK style: 12-hour clock, lower-case am/pm)."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    day = f"{local.day} {local:%B %Y}"
    if not with_time:
        return day
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    clock = "midnight" if (local.hour, local.minute) == (0, 0) else (
        "midday" if (local.hour, local.minute) == (12, 0) else f"{hour}:{local.minute:02d}{suffix}")
    return f"{day}, {clock}"


def waiting(since: datetime | None, now: datetime | None = None) -> str:
    """How long something has waited, in the largest whole unit: ``3 days``, ``5 hours``."""
    if since is None:
        return ""
    elapsed = (now or datetime.now(since.tzinfo)) - since
    if elapsed < timedelta(minutes=1):
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        count = int(elapsed.total_seconds() // size)
        if count >= 1:
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "just now"


def long_date(value: object) -> str:
    """``2012-09-30`` -> ``30 September 2012`` (GOV.UK style); anything else as it is."""
    from datetime import date

    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"
