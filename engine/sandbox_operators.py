"""Size guards for the operations that can build a huge value in one C call, which no deadline can
interrupt: ``+ * ** << %``, their augmented forms, f-string fields, and the str/bytes/list methods
that multiply their input (join, replace, padding, expandtabs, extend). Each estimates the result's
size from its operands *before* computing it: ``10**10**10`` is refused in microseconds.
"""

from __future__ import annotations

import math
import operator
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from engine.sandbox_guards import (
    MAX_FORMAT_WIDTH,
    MAX_INT_BITS,
    check_data,
    check_items,
    fail,
    sized,
    too_large,
)
from engine.sandbox_policy import ScriptPolicyError

_SEQUENCES = (str, bytes, list, tuple)


def _check_add(a: Any, b: Any) -> None:
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
        check_items(len(a) + len(b), "+")


def _check_mul(a: Any, b: Any) -> None:
    if type(a) is int and type(b) is int:
        bits = a.bit_length() + b.bit_length()
        if bits > MAX_INT_BITS:
            too_large("*", bits, MAX_INT_BITS, "bits")
    elif isinstance(a, _SEQUENCES) and isinstance(b, int):
        check_items(len(a) * b, "*")
    elif isinstance(b, _SEQUENCES) and isinstance(a, int):
        check_items(len(b) * a, "*")


def _check_pow(a: Any, b: Any) -> None:
    if type(a) is int and type(b) is int and b > 1 and abs(a) > 1:
        # Estimated from the operands; a float cannot hold b beyond 10**308, nor is it needed there.
        bits = b * math.log2(abs(a)) if b.bit_length() < 64 else math.inf
        if bits > MAX_INT_BITS:
            too_large("**", int(min(bits, sys.maxsize)), MAX_INT_BITS, "bits")


def _check_lshift(a: Any, b: Any) -> None:
    if type(a) is int and type(b) is int and a and b > 0 and a.bit_length() + b > MAX_INT_BITS:
        too_large("<<", a.bit_length() + b, MAX_INT_BITS, "bits")


_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")


def _check_width(digits: str, what: str) -> None:
    if len(digits) > 6 or int(digits) > MAX_FORMAT_WIDTH:
        too_large(what, int(digits[:19]), MAX_FORMAT_WIDTH, "characters wide")


def _check_mod(a: Any, b: Any) -> None:
    if isinstance(a, (str, bytes)):
        text = a.decode("latin-1") if isinstance(a, bytes) else a
        for width, precision in _PERCENT.findall(text.replace("%%", "")):
            for number in (width, precision):
                if number == "*":
                    fail(ScriptPolicyError("'*' widths are not allowed in %-formatting"))
                if number:
                    _check_width(number, "% formatting")
        check_data(b, "% formatting")


def add(a: Any, b: Any) -> Any:
    _check_add(a, b)
    return a + b


def mul(a: Any, b: Any) -> Any:
    _check_mul(a, b)
    return a * b


def power(a: Any, b: Any) -> Any:
    _check_pow(a, b)
    return a**b


def lshift(a: Any, b: Any) -> Any:
    _check_lshift(a, b)
    return a << b


def mod(a: Any, b: Any) -> Any:
    _check_mod(a, b)
    return a % b


_INPLACE: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any, Any], None] | None]] = {
    "+=": (operator.iadd, _check_add),
    "-=": (operator.isub, None),
    "*=": (operator.imul, _check_mul),
    "/=": (operator.itruediv, None),
    "//=": (operator.ifloordiv, None),
    "%=": (operator.imod, _check_mod),
    "**=": (operator.ipow, _check_pow),
    "<<=": (operator.ilshift, _check_lshift),
    ">>=": (operator.irshift, None),
    "|=": (operator.ior, None),
    "&=": (operator.iand, None),
    "^=": (operator.ixor, None),
    "@=": (operator.imatmul, None),
}


def inplacevar(op: str, target: Any, value: Any) -> Any:
    """``name op= value`` (RestrictedPython rewrites augmented assignment to names into this call)."""
    apply, check = _INPLACE[op]
    if check is not None:
        check(target, value)
    return apply(target, value)


def format_value(value: Any, conversion: int, spec: str | None) -> str:
    """An f-string field ``{value!conversion:spec}``; f"{x:>1000000000}" would be a gigabyte."""
    check_data(value, "an f-string")
    if conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("s"):
        value = str(value)
    elif conversion == ord("a"):
        value = ascii(value)
    for digits in _DIGITS.findall(spec or ""):
        _check_width(digits, "an f-string format")
    return format(value, spec or "")


# -- methods --------------------------------------------------------------------------------------


def _join(separator: Any, iterable: Iterable[Any]) -> Any:
    parts = list(sized(iterable, "join()"))
    size = sum(len(part) for part in parts if isinstance(part, (str, bytes)))
    check_items(size + len(separator) * max(len(parts) - 1, 0), "join()")
    return separator.join(parts)


def _replace(text: Any, old: Any, new: Any, count: int = -1) -> Any:
    found = text.count(old) if len(old) else len(text) + 1
    found = found if count < 0 else min(found, count)
    check_items(len(text) + found * max(len(new) - len(old), 0), "replace()")
    return text.replace(old, new, count)


def _padding(name: str) -> Callable[..., Any]:
    def pad(text: Any, width: int, *fill: Any) -> Any:
        check_items(width, f"{name}()")
        return getattr(text, name)(width, *fill)

    return pad


def _expandtabs(text: Any, tabsize: int = 8) -> Any:
    tab = b"\t" if isinstance(text, bytes) else "\t"
    check_items(len(text) + text.count(tab) * max(tabsize, 0), "expandtabs()")
    return text.expandtabs(tabsize)


def _extend(target: list[Any], iterable: Iterable[Any]) -> None:
    items = list(sized(iterable, "extend()"))
    check_items(len(target) + len(items), "extend()")
    target.extend(items)


_TEXT_METHODS: dict[str, Callable[..., Any]] = {
    "join": _join,
    "replace": _replace,
    "center": _padding("center"),
    "ljust": _padding("ljust"),
    "rjust": _padding("rjust"),
    "zfill": _padding("zfill"),
    "expandtabs": _expandtabs,
}
GUARDED_METHODS = frozenset({*_TEXT_METHODS, "extend"})


def method_guard(target: Any, name: str) -> Callable[..., Any] | None:
    """The guarded version of ``target.name`` (target an instance or the type), or None if unguarded."""
    if isinstance(target, (str, bytes)) or target is str or target is bytes:
        guard = _TEXT_METHODS.get(name)
    elif isinstance(target, list) or target is list:
        guard = _extend if name == "extend" else None
    else:
        return None
    if guard is None or isinstance(target, type):
        return guard  # str.join(sep, parts): unbound, the instance comes first
    bound: Callable[..., Any] = guard

    def method(*args: Any, **kwargs: Any) -> Any:  # a closure, not a partial: nothing to introspect
        return bound(target, *args, **kwargs)

    return method

