"""What a sandboxed script can name: the whitelisted builtins, guarded attribute access, and the
helpers that RestrictedPython's rewritten code calls (``_getattr_``, ``_getiter_``...).

Builtins that consume an iterable in C (list, sorted, sum, set, any...) would bypass the per-item
deadline, so each takes its items through the guards first. The type builtins stay usable with
isinstance() and for their methods (``str.upper``, ``dict.fromkeys``) through ``TypeProxy``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from RestrictedPython.Guards import full_write_guard
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

from engine import sandbox_guards as g
from engine import sandbox_operators as ops
from engine.sandbox_policy import ScriptLimitExceeded, ScriptPolicyError

# Refused on every object. format/format_map reach attributes through the format string
# ("{0.__class__}"); mro leads to ``object``; translate/maketrans/to_bytes build huge values in one C
# call; now/today/utcnow read the wall clock behind the project clock's back (datetimes in task data).
BLOCKED_ATTRIBUTES = frozenset(
    {"format", "format_map", "mro", "translate", "maketrans", "to_bytes", "now", "today", "utcnow"}
) | INSPECT_ATTRIBUTES


class TypeProxy:
    """A builtin type whose call is guarded; isinstance() and its methods still reach the real type."""

    __slots__ = ("_type", "_call")

    def __init__(self, real: type, call: Callable[..., Any]) -> None:
        self._type = real
        self._call = call

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(*args, **kwargs)

    def __instancecheck__(self, instance: Any) -> bool:
        return isinstance(instance, self._type)

    def __subclasscheck__(self, subclass: type) -> bool:
        return issubclass(subclass, self._type)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._type, name)

    def __repr__(self) -> str:
        return repr(self._type)


class LazyRange:
    """A ``range()`` longer than MAX_ITEMS: iterating it checks the deadline, materializing it is refused."""

    __slots__ = ("range",)

    def __init__(self, real: range) -> None:
        self.range = real

    def __iter__(self) -> Iterator[int]:
        return g.getiter(self.range)

    def __reversed__(self) -> Iterator[int]:
        return g.getiter(reversed(self.range))

    def __len__(self) -> int:
        return len(self.range)

    def __contains__(self, value: Any) -> bool:
        return value in self.range

    def __getitem__(self, index: Any) -> Any:
        item = self.range[index]
        return guarded_range(item.start, item.stop, item.step) if isinstance(item, range) else item

    def __repr__(self) -> str:
        return repr(self.range)

    start = property(lambda self: self.range.start)
    stop = property(lambda self: self.range.stop)
    step = property(lambda self: self.range.step)


def guarded_range(*args: int) -> range | LazyRange:
    real = range(*args)
    try:
        small = len(real) <= g.MAX_ITEMS
    except OverflowError:  # longer than sys.maxsize
        small = False
    return real if small else LazyRange(real)


def guarded_getattr(obj: Any, name: str, *default: Any) -> Any:
    if type(name) is not str:
        raise TypeError("attribute name must be a string")
    if name.startswith("_") or name in BLOCKED_ATTRIBUTES:
        g.fail(ScriptPolicyError(f"attribute {name!r} is not available in scripts"))
    target = obj._type if type(obj) is TypeProxy else obj
    if name in ops.GUARDED_METHODS:
        guard = ops.method_guard(target, name)
        if guard is not None:
            return guard
    return getattr(target, name, *default)


# -- builtins that consume iterables or can compute for ever ------------------------------------


def _collection(real: type, what: str, *, hashing: bool = False) -> TypeProxy:
    def build(*args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], Mapping):
            g.check_items(len(args[0]), what)
        elif args:
            args = (g.sized(args[0], what), *args[1:])
            if hashing:  # set() and dict() hash every item in C
                g.check_data(args[0], what)
        return real(*args, **kwargs)

    return TypeProxy(real, build)


def _sorted(iterable: Iterable[Any], /, **kwargs: Any) -> list[Any]:
    return sorted(g.bounded(g.sized(iterable, "sorted()")), **ops.bounded_key(kwargs))


def _sum(iterable: Iterable[Any], /, start: Any = 0) -> Any:
    total = start
    for item in g.getiter(iterable):
        total = ops.add(total, item)  # sum(lists, []) would otherwise concatenate in C
    return total


def _extreme(real: Callable[..., Any]) -> Callable[..., Any]:
    def pick(*args: Any, **kwargs: Any) -> Any:  # compares its items in C
        kwargs = ops.bounded_key(kwargs)
        if len(args) == 1:
            return real(ops.bounded_stream(args[0]), **kwargs)
        return real(*map(g.bounded, args), **kwargs)

    return pick


def _str(*args: Any, **kwargs: Any) -> str:
    if args:
        g.check_data(args[0], "str()")
    if len(args) > 1 or "encoding" in kwargs:  # str(data, encoding) decodes
        ops.check_codec(args[1] if len(args) > 1 else kwargs["encoding"])
    return str(*args, **kwargs)


def _repr(value: Any) -> str:
    g.check_data(value, "repr()")
    return repr(value)


def _round(number: Any, ndigits: int | None = None) -> Any:
    if isinstance(ndigits, int) and abs(ndigits) > 1000:  # round(5, -10**9) computes 10**10**9
        g.fail(ScriptLimitExceeded("round() ndigits must be between -1000 and 1000"))
    return round(number) if ndigits is None else round(number, ndigits)


def _pow(base: Any, exp: Any, mod: Any = None) -> Any:
    if mod is None:
        return ops.power(base, exp)
    if isinstance(exp, int) and isinstance(mod, int) and max(exp.bit_length(), mod.bit_length()) > 4096:
        g.fail(ScriptLimitExceeded("pow() with a modulus is limited to 4096-bit numbers"))
    return pow(base, exp, mod)


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


_EXCEPTIONS = (
    ArithmeticError, AssertionError, AttributeError, Exception, IndexError, KeyError, LookupError,
    NameError, NotImplementedError, OverflowError, RuntimeError, StopIteration, TypeError, ValueError,
    ZeroDivisionError,
)

# Deliberately absent: __import__, open, eval/exec/compile, type, object, vars/dir/globals/locals,
# setattr/delattr/hasattr, id, hash (recursive over nested tuples), iter/next (unguarded iteration),
# bytes/bytearray/memoryview, complex, print/input/breakpoint, and BaseException-only classes.
SAFE_BUILTINS: Mapping[str, Any] = MappingProxyType({
    "None": None, "True": True, "False": False,
    "abs": abs, "bool": bool, "callable": callable, "chr": chr, "divmod": divmod, "float": float,
    "int": int, "isinstance": isinstance, "len": len, "ord": ord, "round": _round, "pow": _pow,
    "str": TypeProxy(str, _str), "repr": _repr, "getattr": guarded_getattr, "range": guarded_range,
    "list": _collection(list, "list()"), "tuple": _collection(tuple, "tuple()"),
    "set": _collection(set, "set()", hashing=True), "frozenset": _collection(frozenset, "frozenset()", hashing=True),
    "dict": _collection(dict, "dict()", hashing=True), "sorted": _sorted, "sum": _sum,
    "min": _extreme(min), "max": _extreme(max),
    "any": lambda iterable: any(g.getiter(iterable)), "all": lambda iterable: all(g.getiter(iterable)),
    "enumerate": lambda iterable, start=0: enumerate(g.getiter(iterable), start),
    "zip": lambda *iterables, strict=False: zip(*map(g.getiter, iterables), strict=strict),
    "map": lambda function, *iterables: map(function, *map(g.getiter, iterables)),
    "filter": lambda function, iterable: filter(function, g.getiter(iterable)),
    "reversed": lambda sequence: g.getiter(reversed(sequence)),
    **{exception.__name__: exception for exception in _EXCEPTIONS},
})

# The names the rewritten code calls. Scripts cannot name them (they start with "_"), and they are put
# into a script's globals after its data, so no data key can shadow one.
HELPERS: Mapping[str, Any] = MappingProxyType({
    "_getattr_": guarded_getattr,
    "_getitem_": lambda obj, key: obj[g.bounded(key)],
    "_bounded_": g.bounded,
    "_bounded_items_": g.bounded_items,
    "_getiter_": g.getiter,
    "_iter_unpack_sequence_": g.iter_unpack_sequence,
    "_unpack_sequence_": g.unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": ops.inplacevar,
    "_apply_": _apply,
    "_tick_": g.tick,
    "_enter_": g.enter,
    "_caught_": g.caught,
    "_add_": ops.add,
    "_mul_": ops.mul,
    "_pow_": ops.power,
    "_lshift_": ops.lshift,
    "_mod_": ops.mod,
    "_and_": ops.setop(operator.and_),
    "_or_": ops.setop(operator.or_),
    "_xor_": ops.setop(operator.xor),
    "_sub_": ops.setop(operator.sub),
    "_format_": ops.format_value,
})
