"""The run-time core of the script sandbox: a real-time deadline per run, and the guards for loops,
calls, exception handlers, iteration and data size.

Everything works in-process and in any thread (no signals). The deadline is real monotonic time, never
the project clock. It is checked wherever a script can repeat work: every iteration (``for``,
comprehensions, unpacking, and the builtins that consume iterables all go through ``getiter``), every
``while`` iteration and every call of a function the script defines. Once a limit is hit the run stays
failed: every later guard raises again and exception handlers re-raise it, so a script cannot catch
its way past a limit.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sized
from contextvars import ContextVar, Token
from typing import Any, NoReturn

from engine.errors import ScriptError
from engine.sandbox_policy import ScriptLimitExceeded, ScriptPolicyError

MAX_ITEMS = 10_000_000  # elements of a list/tuple/set/dict, characters of a str/bytes
MAX_INT_BITS = 1_000_000  # about 301,000 decimal digits
MAX_ALLOCATED = 20_000_000  # items built by guarded operations in one run (a bomb inside a loop)
MAX_FORMAT_WIDTH = 10_000  # widths and precisions in f-strings and %-formatting
MAX_CALL_DEPTH = 200  # nested calls of script functions (deep recursion through C crashes CPython)
MAX_DATA_NODES = 1_000_000  # elements of a result or of task data, counted as rendered
MAX_DATA_DEPTH = 100  # nesting of containers in a result or in task data (serializers recurse)

_monotonic = time.monotonic


class Run:
    """One evaluation or execution: its deadline and its first failure."""

    __slots__ = ("limit_s", "deadline", "failure", "depth_limit", "allocated", "closed")

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self.deadline = _monotonic() + limit_s
        self.failure: ScriptError | None = None
        self.depth_limit = 0
        self.allocated = 0
        self.closed = False

    def fail(self, error: ScriptError) -> NoReturn:
        if self.failure is None:
            self.failure = error
        raise self.failure

    def expired(self) -> NoReturn:
        if self.closed:  # a generator or function that outlived its script
            raise ScriptPolicyError("a script's value was used after the script ended")
        self.fail(ScriptLimitExceeded(f"script ran longer than {self.limit_s} s"))

    def check(self) -> None:
        if _monotonic() > self.deadline:
            self.expired()


_RUN: ContextVar[Run | None] = ContextVar("script_run", default=None)


def start_run(limit_s: float) -> tuple[Run, Token[Run | None]]:
    run = Run(limit_s)
    return run, _RUN.set(run)


def end_run(run: Run, token: Token[Run | None]) -> None:
    run.closed = True
    run.deadline = -math.inf
    _RUN.reset(token)


def current() -> Run:
    run = _RUN.get()
    if run is None:
        raise ScriptPolicyError("a sandbox guard was called outside a script")
    return run


def fail(error: ScriptError) -> NoReturn:
    """Fail the current run (sticky), or just raise when checking outside a run."""
    run = _RUN.get()
    if run is not None:
        run.fail(error)
    raise error


def too_large(what: str, size: int, limit: int, unit: str) -> NoReturn:
    shown = f"about {size}" if size < 10**15 else "over 10^15"  # str() of a huge int is itself refused
    fail(ScriptLimitExceeded(f"result of {what} too large ({shown} {unit}; limit {limit})"))


def check_items(count: int, what: str) -> None:
    if count > MAX_ITEMS:
        too_large(what, count, MAX_ITEMS, "items")
    if count > 64:  # tiny results are not worth the bookkeeping
        run = current()
        run.allocated += count
        if run.allocated > MAX_ALLOCATED:
            fail(ScriptLimitExceeded(f"script built more than {MAX_ALLOCATED} items in all ({what})"))


# -- control flow -------------------------------------------------------------------------------


def tick() -> None:
    current().check()


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return depth


def enter() -> None:
    run = current()
    run.check()
    if not run.depth_limit:
        run.depth_limit = _stack_depth() + MAX_CALL_DEPTH
    try:
        sys._getframe(run.depth_limit)  # a cheap probe: that frame exists only when the stack is too deep
    except ValueError:
        return
    run.fail(ScriptLimitExceeded(f"script calls nested deeper than {MAX_CALL_DEPTH}"))


def caught() -> None:
    """First statement of every except block: limits, policy errors and BaseExceptions pass through."""
    error = sys.exc_info()[1]
    if isinstance(error, ScriptError) or not isinstance(error, Exception):
        raise error  # type: ignore[misc]
    failure = current().failure
    if failure is not None:
        raise failure


# -- iteration ----------------------------------------------------------------------------------


def _iterate(iterator: Iterator[Any], run: Run) -> Iterator[Any]:
    for item in iterator:
        if _monotonic() > run.deadline:
            run.expired()
        yield item


def getiter(iterable: Iterable[Any]) -> Iterator[Any]:
    return _iterate(iter(iterable), current())


VIEWS: tuple[type, ...] = (type({}.keys()), type({}.values()), type({}.items()))
_SIZED: tuple[type[Sized], ...] = (list, tuple, str, bytes, dict, set, frozenset, range, *VIEWS)


def sized(iterable: Iterable[Any], what: str) -> Iterable[Any]:
    """A bounded collection that C code may consume at full speed, or the items gathered under guard."""
    if isinstance(iterable, _SIZED):
        check_items(len(iterable), what)
        return iterable
    try:
        count = len(iterable)  # type: ignore[arg-type]
    except TypeError:
        count = 0
    except OverflowError:
        count = sys.maxsize
    check_items(count, what)  # a huge lazy range is refused at once, not gathered for a second
    gathered = []
    for item in getiter(iterable):
        gathered.append(item)
        if len(gathered) > MAX_ITEMS:
            too_large(what, len(gathered), MAX_ITEMS, "items")
    if not count:
        check_items(len(gathered), what)
    return gathered


def unpack_sequence(iterable: Any, spec: Mapping[str, Any], _getiter: Any = None) -> list[Any]:
    items = list(sized(iterable, "unpacking"))
    if len(items) >= spec["min_len"]:
        for index, child in spec["childs"]:
            items[index] = unpack_sequence(items[index], child)
    return items


def iter_unpack_sequence(iterable: Any, spec: Mapping[str, Any], _getiter: Any = None) -> Iterator[list[Any]]:
    for item in getiter(iterable):
        yield unpack_sequence(item, spec)


# -- data size ----------------------------------------------------------------------------------

CONTAINERS = (list, tuple, dict, set, frozenset)


def check_data(value: Any, what: str) -> None:
    """Refuse containers that would be huge, too deep or recursive once rendered, serialized, compared
    or hashed.

    Shared references count every time they appear, as repr(), JSON, ``==`` and hash() expand them, so
    ``a = [a, a]`` repeated 60 times is refused here (after at most MAX_DATA_NODES visits) instead of
    hanging one C call for ever; a container inside itself is refused as too deep (C recursion over it
    could crash the process).
    """
    if not isinstance(value, CONTAINERS):
        return
    stack: list[tuple[Any, int]] = [(value, 1)]
    nodes = 0
    while stack:
        container, depth = stack.pop()
        nodes += len(container)
        if nodes > MAX_DATA_NODES:
            fail(ScriptLimitExceeded(
                f"{what} is too large (over {MAX_DATA_NODES} elements, counting shared references each time)"
            ))
        items = [*container.keys(), *container.values()] if isinstance(container, dict) else container
        for item in items:
            if isinstance(item, CONTAINERS):
                if depth >= MAX_DATA_DEPTH:
                    fail(ScriptLimitExceeded(f"{what} nests containers deeper than {MAX_DATA_DEPTH}"))
                stack.append((item, depth + 1))


def bounded(value: Any) -> Any:
    """``value`` itself, once it is safe for C code to compare or hash (``==``, ``in``, a dict key)."""
    if type(value) in _SCALARS:  # the usual case, and a cheap one
        return value
    check_data(value, "a compared or hashed value")
    return value


def bounded_items(iterable: Iterable[Any]) -> list[Any]:
    """The items of ``iterable``, gathered under guard, once they are safe to compare or hash."""
    items = list(sized(iterable, "a set"))
    check_data(items, "a compared or hashed value")
    return items


_SCALARS = frozenset({str, int, float, bool, type(None)})
