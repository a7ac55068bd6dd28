"""The words for one changed element of a process: what to call it ("task", "timer", "gateway") and a
sentence for each facet SpecDiff found changed (engine/spiff/spec_diff.py names the facets)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from engine.process_outline import Element

# The facets in the order their sentences come; any other facet follows, alphabetically.
_ORDER = ("type", "name", "called_process", "timer", "event", "interrupting", "properties", "operation",
          "operation_params", "result_variable", "script", "prescript", "postscript", "documentation")
_SCRIPTS = {"script": "Script", "prescript": "Pre-script", "postscript": "Post-script"}
_SHORT = 80  # an expression or script up to this long, on one line, is quoted in full


def quoted(name: str | None) -> str:
    return f"'{name}'" if name is not None else "no name"


def label(element: Element) -> str:
    """An element by its name, else its id."""
    return quoted(element.name or element.id)


def noun(element: Element) -> str:
    """What a process owner calls the element: task, subprocess, gateway, timer, message event..."""
    if element.tag.endswith("Gateway"):
        return "gateway"
    if element.tag == "subProcess":
        return "subprocess"
    if not element.tag.endswith("Event"):
        return "task"
    if element.event == "timer":
        return "timer"
    kind = f"{element.event} " if element.event else ""
    return kind + {"startEvent": "start event", "endEvent": "end event"}.get(element.tag, "event")


def facet_lines(old: Element, new: Element, facets: Mapping[str, tuple[Any, Any]], attached: str | None,
                called: tuple[Mapping[str, str], Mapping[str, str]]) -> list[str]:
    """A sentence per changed facet of one element. ``attached`` names the activity a boundary event sits
    on; ``called`` maps each version's process ids to their names."""
    what = f"{noun(new).capitalize()} {label(new)}"
    lines: list[str] = []
    if old.id != new.id:
        lines.append(f"{what} has a new id {quoted(new.id)} (was {quoted(old.id)})")
    for facet in sorted(facets, key=lambda f: (_ORDER.index(f) if f in _ORDER else len(_ORDER), f)):
        before, after = facets[facet]
        lines += _facet(facet, what, old, new, before, after, attached, called)
    return lines


def _facet(facet: str, what: str, old: Element, new: Element, before: Any, after: Any, attached: str | None,
           called: tuple[Mapping[str, str], Mapping[str, str]]) -> Iterator[str]:
    if facet == "name":
        yield f"{noun(old).capitalize()} {label(old)} renamed to {label(new)}"
    elif facet == "type":
        yield f"{what} changed from {_lower(before)} to {_lower(after)}"
    elif facet == "timer":
        yield _timer(what, before, after)
    elif facet == "event":
        yield f"{what} changed from {_event(before)} to {_event(after)}"
    elif facet == "called_process":
        was, now = called[0].get(before, before), called[1].get(after, after)
        yield f"{what} now calls {quoted(now)} instead of {quoted(was)}"
    elif facet == "interrupting":
        on = f" {attached}" if attached else ""
        yield f"{what} now interrupts{on}" if after else f"{what} no longer interrupts{on}: it runs beside it"
    elif facet == "properties":
        yield from _properties(what, before or {}, after or {})
    elif facet == "operation":
        yield f"{what} now runs the operation {quoted(after)} instead of {quoted(before)}"
    elif facet == "operation_params":
        yield from _parameters(what, before or {}, after or {})
    elif facet == "result_variable":
        yield f"{what} now keeps its result in {quoted(after)} instead of {quoted(before)}"
    elif facet in _SCRIPTS:
        yield f"{_SCRIPTS[facet]} of {what[0].lower()}{what[1:]} changed{_from_to(before, after)}"
    elif facet == "multi_instance":
        yield from _multi_instance(what, before or {}, after or {})
    elif facet == "documentation":
        yield f"Documentation of {what[0].lower()}{what[1:]} changed"
    else:
        yield f"{what}: {facet.replace('_', ' ')} changed{_from_to(before, after)}"


def _timer(what: str, before: tuple[str, str] | None, after: tuple[str, str] | None) -> str:
    if before is None and after is not None:
        return f"{what} now waits for a timer ({after[0]} {after[1]})"
    if after is None and before is not None:
        return f"{what} no longer waits for a timer (was {before[0]} {before[1]})"
    assert before is not None and after is not None
    if before[0] == after[0]:
        return f"{what} changed from {before[1]} to {after[1]}"
    return f"{what} changed from {before[0]} {before[1]} to {after[0]} {after[1]}"


def _event(value: tuple[str, str | None] | None) -> str:
    if value is None:
        return "no event"
    kind, name = value
    return f"{kind} {quoted(name)}" if name else kind


def _properties(what: str, before: Mapping[str, str], after: Mapping[str, str]) -> Iterator[str]:
    for name in sorted(before.keys() | after.keys()):
        was, now = before.get(name), after.get(name)
        if was == now:
            continue
        if name == "form":
            if was is None:
                yield f"{what} now uses the form {quoted(now)}"
            elif now is None:
                yield f"{what} no longer uses the form {quoted(was)}"
            else:
                yield f"Form of {what[0].lower()}{what[1:]} changed from {quoted(was)} to {quoted(now)}"
        elif was is None:
            yield f"{what}: {name} set to `{now}`"
        elif now is None:
            yield f"{what}: {name} removed (was `{was}`)"
        else:
            yield f"{what}: {name} changed from `{was}` to `{now}`"


def _parameters(what: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> Iterator[str]:
    for name in sorted(before.keys() | after.keys()):
        was, now = _value(before.get(name)), _value(after.get(name))
        if was != now:
            yield f"{what}: parameter {quoted(name)} changed from {_code(was)} to {_code(now)}"


def _multi_instance(what: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> Iterator[str]:
    """A repeated task: over which collection, how many times, into what, until when."""
    if not before or not after:
        yield f"{what} {'now repeats' if after else 'no longer repeats'}"
        return
    for key in sorted(before.keys() | after.keys()):
        was, now = _reference(before.get(key)), _reference(after.get(key))
        if was != now:
            yield f"{what}: its repetition's {key.replace('_', ' ')} changed from {_code(was)} to {_code(now)}"


def _reference(value: Any) -> Any:
    """A data reference by its name (``windows``), else the value itself (a cardinality expression)."""
    return value.get("bpmn_id") if isinstance(value, Mapping) else value


def _value(parameter: Any) -> Any:
    return parameter.get("value") if isinstance(parameter, Mapping) else parameter


def _from_to(before: Any, after: Any) -> str:
    """" from `a` to `b`" when both are short one-liners (or absent); long scripts just "changed"."""
    if all(v is None or (isinstance(v, str | int | float | bool) and len(str(v)) <= _SHORT and "\n" not in str(v))
           for v in (before, after)):
        return f" from {_code(before)} to {_code(after)}"
    return ""


def _code(value: Any) -> str:
    return "nothing" if value is None else f"`{value}`"


def _lower(value: Any) -> str:
    return str(value).lower() if value else "nothing"
