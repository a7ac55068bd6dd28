"""Deploy-time check that a timer's expression gives a time this engine can read.

A timer is a Python expression here (SpiffWorkflow evaluates it), so the ISO 8601 text other tools
write bare, ``<bpmn:timeDuration>P14D</bpmn:timeDuration>``, is read as the name of a variable, and
a bare date as arithmetic or a syntax error: each fails only when an instance reaches the timer,
which for a family can be weeks in. Such a timer, and a quoted one the engine cannot read (a naive
date, a duration that is no ISO 8601 duration), is refused at deploy with the text to write instead.
Literal cycles are judged with the cycle floor (engine/definitions.py); an expression of process
data is judged when it is evaluated.
"""

from __future__ import annotations

import ast
import re
from datetime import datetime
from typing import NamedTuple

from engine import spiff

_NUMBER = r"\d+(?:[.,]\d+)?"
_DURATION = rf"P(?=[\dT])(?:{_NUMBER}[YMWD])*(?:T(?:{_NUMBER}[HMS])+)?"
_DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
_ISO = {
    "duration": re.compile(rf"{_DURATION}", re.IGNORECASE),
    "date": re.compile(_DATE, re.IGNORECASE),
    "cycle": re.compile(rf"R\d*(?:/(?:{_DURATION}|{_DATE}))+", re.IGNORECASE),
}
EXAMPLES = {"duration": '"P14D"', "date": '"2027-03-01T09:00:00+00:00"', "cycle": '"R3/P1D"'}


class TimerProblem(NamedTuple):
    reason: str
    fix: str


def problem(kind: str, code: str) -> TimerProblem | None:
    """Why the timer expression ``code`` of a ``kind`` timer ("duration", "date", "cycle") will not
    give a time, or None when it will (or can only be judged when it runs)."""
    text = code.strip()
    if _iso_text(text) and not _is_string_literal(text):
        return TimerProblem(f"timer {kind} {text} is not in quotes: this engine evaluates a timer as a Python "
                            f"expression, so {text} {_read_as(text)} and the timer would fail when an instance "
                            "reached it",
                            f"write it in quotes: {_quoted(kind, text)}")
    try:
        value = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None  # an expression of process data (or not Python: the sandbox check says so)
    if kind == "duration" and not spiff.is_iso_duration(value):
        return TimerProblem(f"timer duration {value!r} is not an ISO 8601 duration",
                            'write a duration in quotes, e.g. "P14D" (14 days), "PT2H" (2 hours) or "P1M" (a month)')
    if kind == "date" and not _aware(value):
        return TimerProblem(f"timer date {value!r} is not an ISO 8601 date and time with its offset from UTC "
                            "(without one it would be read in the server's time zone)",
                            f"write the date, time and offset in quotes, e.g. {_quoted('date', str(value))}")
    return None


def _iso_text(text: str) -> str | None:
    for kind, pattern in _ISO.items():
        if pattern.fullmatch(text):
            return kind
    return None


def _is_string_literal(text: str) -> bool:
    try:
        return isinstance(ast.literal_eval(text), str)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False


def _read_as(text: str) -> str:
    if text.isidentifier():
        return "is read as the name of a variable"
    try:
        compile(text, "<timer>", "eval")
    except SyntaxError:
        return "is not valid Python"
    return "is read as arithmetic"


def _quoted(kind: str, text: str) -> str:
    """The text in quotes; a date without an offset gets UTC's, which the engine needs."""
    if kind != "date" or _aware(text):
        return f'"{text}"'
    if not _parses_as_date(text):
        return EXAMPLES["date"]
    return f'"{datetime.fromisoformat(text).isoformat()}+00:00" (+01:00 for a time in British Summer Time)'


def _parses_as_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _aware(value: object) -> bool:
    if not isinstance(value, str) or not _parses_as_date(value):
        return False
    return datetime.fromisoformat(value).tzinfo is not None
