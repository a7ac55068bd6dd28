"""Size guards for the operations that can build a huge value in one C call, which no deadline can
interrupt: ``+ * ** << %``, their augmented forms, f-string fields, and the str/bytes/list methods
that multiply their input (join, replace, padding, expandtabs, extend). Each estimates the result's
size from its operands *before* computing it: ``10**10**10`` is refused in microseconds.
"""

from __future__ import annotations

import codecs
import math
import operator
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from engine.sandbox_guards import (
    CONTAINERS,
    MAX_FORMAT_WIDTH,
    MAX_INT_BITS,
    VIEWS,
    bounded,
    bounded_items,
    check_data,
    check_items,
    fail,
    getiter,
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


def _check_setop(a: Any, b: Any) -> None:
    if isinstance(a, VIEWS) or isinstance(b, VIEWS):
        bounded(a)
        bounded(b)


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
    "-=": (operator.isub, _check_setop),
    "*=": (operator.imul, _check_mul),
    "/=": (operator.itruediv, None),
    "//=": (operator.ifloordiv, None),
    "%=": (operator.imod, _check_mod),
    "**=": (operator.ipow, _check_pow),
    "<<=": (operator.ilshift, _check_lshift),
    ">>=": (operator.irshift, None),
    "|=": (operator.ior, _check_setop),
    "&=": (operator.iand, _check_setop),
    "^=": (operator.ixor, _check_setop),
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


# Other codecs run in C for as long as they like: punycode is quadratic ('...'.encode('punycode')).
SAFE_CODECS = frozenset({"utf-8", "ascii", "iso8859-1"})


def check_codec(encoding: Any) -> None:
    try:
        name = codecs.lookup(encoding).name if isinstance(encoding, str) else None
    except LookupError:
        name = None
    if name not in SAFE_CODECS:
        shown = str(encoding)[:40]
        fail(ScriptPolicyError(f"encoding {shown!r} is not available in scripts; use utf-8, ascii or latin-1"))


def _codec(name: str) -> Callable[..., Any]:
    def convert(text: Any, encoding: Any = "utf-8", errors: Any = "strict") -> Any:
        check_codec(encoding)
        return getattr(text, name)(encoding, errors)

    return convert


_TEXT_METHODS: dict[str, Callable[..., Any]] = {
    "encode": _codec("encode"),
    "decode": _codec("decode"),
    "join": _join,
    "replace": _replace,
    "center": _padding("center"),
    "ljust": _padding("ljust"),
    "rjust": _padding("rjust"),
    "zfill": _padding("zfill"),
    "expandtabs": _expandtabs,
}
# Methods of containers that compare or hash their arguments in C: each argument is bounded first.
_COMPARING_METHODS = frozenset({
    "index", "count", "remove", "sort", "get", "pop", "setdefault", "fromkeys", "update", "add", "discard",
    "union", "intersection", "difference", "symmetric_difference", "issubset", "issuperset", "isdisjoint",
    "intersection_update", "difference_update", "symmetric_difference_update",
})
_HASHING = (set, frozenset, dict, *VIEWS)
GUARDED_METHODS = frozenset({*_TEXT_METHODS, "extend", *_COMPARING_METHODS})


def _comparing(name: str) -> Callable[..., Any]:
    def call(target: Any, *args: Any, **kwargs: Any) -> Any:
        hashing = isinstance(target, _HASHING) or target in _HASHING
        args = tuple(_bounded_argument(argument, hashing) for argument in args)
        if name == "sort":
            bounded(target)
            kwargs = bounded_key(kwargs)
        return getattr(target, name)(*args, **{key: bounded(value) for key, value in kwargs.items()})

    return call


def _bounded_argument(argument: Any, hashing: bool) -> Any:
    if hashing and not isinstance(argument, (*CONTAINERS, str, bytes)) and hasattr(argument, "__iter__"):
        return bounded_stream(argument)  # an iterator whose items a set or dict will hash
    return bounded(argument)


def bounded_stream(iterable: Iterable[Any]) -> Iterator[Any]:
    """The items of ``iterable`` under the deadline, each bounded before C code compares or hashes it."""
    return map(bounded, getiter(iterable))


def bounded_key(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``key=`` for sort/sorted/min/max: what it returns is compared in C."""
    key = kwargs.get("key")
    if key is None:
        return kwargs
    return {**kwargs, "key": lambda item: bounded(key(item))}


def _setop_operand(operand: Any) -> Any:
    if isinstance(operand, (*VIEWS, *CONTAINERS, str, bytes)) or not hasattr(operand, "__iter__"):
        return bounded(operand)
    return bounded_items(operand)  # a view takes any iterable on the other side


def setop(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """``& | ^ -``: a dict view combined with any iterable hashes all of that iterable's items in C."""

    def apply(a: Any, b: Any) -> Any:
        if isinstance(a, VIEWS) or isinstance(b, VIEWS):
            a, b = _setop_operand(a), _setop_operand(b)
        return op(a, b)

    return apply


def method_guard(target: Any, name: str) -> Callable[..., Any] | None:
    """The guarded version of ``target.name`` (target an instance or the type), or None if unguarded."""
    if isinstance(target, (str, bytes)) or target is str or target is bytes:
        guard = _TEXT_METHODS.get(name)
    elif (isinstance(target, (*CONTAINERS, *VIEWS)) or target in CONTAINERS) and name in _COMPARING_METHODS:
        guard = _comparing(name)
    elif isinstance(target, list) or target is list:
        guard = _extend if name == "extend" else None
    else:
        return None
    if guard is None or (isinstance(target, type) and name != "fromkeys"):
        return guard  # str.join(sep, parts): unbound, the instance comes first
    bound: Callable[..., Any] = guard

    def method(*args: Any, **kwargs: Any) -> Any:  # a closure, not a partial: nothing to introspect
        return bound(target, *args, **kwargs)

    return method

