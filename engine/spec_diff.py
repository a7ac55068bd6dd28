"""The difference between two versions of one process, in words a process owner reads ("New task
'Record consent' between 'Assessment' and 'Family Action Plan'").

SpiffWorkflow's SpecDiff (through engine/spiff/spec_diff.py) lines the elements up, finds an element
whose id changed by where it sits, and says which elements changed and how; the XML (process_outline.py)
gives what the parsed spec lacks: flow names and conditions, defaults, lanes by id. Elements are named by
their names, else their ids. The order is fixed: the process, its lanes, new elements, removed elements,
changed elements, then flows, each in the order the file lists them. A layout-only change says nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from engine import spiff
from engine.process_outline import Element, Flow, Outline, outline, process_names
from engine.spec_diff_words import facet_lines, label, noun, quoted

Edge = tuple[str, str]


def describe_changes(old_files: Mapping[str, bytes], new_files: Mapping[str, bytes], process_id: str) -> list[str]:
    """Each change from the old version's files to the new one's, one sentence each; [] when the
    process runs the same. NotFound when either version has no process ``process_id``."""
    old, new = outline(old_files, process_id), outline(new_files, process_id)
    changes = spiff.process_changes(old_files, new_files, process_id)
    diff = _Diff(old, new, changes.aligned)
    lines = [*diff.process_lines(), *diff.lane_lines(), *diff.added_lines(), *diff.removed_lines()]
    called = (process_names(old_files), process_names(new_files))
    order = {key: place for place, key in enumerate(old.elements)}
    for change in sorted(changes.changed, key=lambda c: order.get(c.old_id, len(order))):
        if change.old_id in old.elements and change.new_id in new.elements:
            lines += facet_lines(old.elements[change.old_id], new.elements[change.new_id], change.facets,
                                 diff.attached_label(change.new_id), called)
    lines += diff.moved_lines()
    lines += diff.flow_lines()
    return lines


class _Diff:
    """The two outlines with their elements matched: every element has a key, its old id when it is in
    both versions (or only the old), its new id when it is new."""

    def __init__(self, old: Outline, new: Outline, aligned: Mapping[str, str]) -> None:
        self.old, self.new = old, new
        claimed = {n for o, n in aligned.items() if o in old.elements and n in new.elements}
        self.to_new: dict[str, str] = {}  # in the old file's order
        for key in old.elements:
            if key in aligned and aligned[key] in new.elements:
                self.to_new[key] = aligned[key]
            elif key in new.elements and key not in claimed:
                self.to_new[key] = key
        self.key_of_new = {n: o for o, n in self.to_new.items()}
        self.added = [n for n in new.elements if n not in self.key_of_new]
        self.removed = [o for o in old.elements if o not in self.to_new]

    # -- names ---------------------------------------------------------------------------------------
    def old_label(self, key: str) -> str:
        return label(self.old.elements[key]) if key in self.old.elements else quoted(key)

    def new_label(self, new_id: str) -> str:
        return label(self.new.elements[new_id]) if new_id in self.new.elements else quoted(new_id)

    def key_label(self, key: str) -> str:
        """An element named as the new version names it, or the old when it was removed."""
        if key in self.to_new:
            return self.new_label(self.to_new[key])
        return self.new_label(key) if key in self.new.elements else self.old_label(key)

    def attached_label(self, new_id: str) -> str | None:
        attached = self.new.elements[new_id].attached_to if new_id in self.new.elements else None
        return self.new_label(attached) if attached else None

    # -- the process and its lanes -------------------------------------------------------------------
    def process_lines(self) -> Iterator[str]:
        if self.old.name != self.new.name:
            yield f"Process renamed from {quoted(self.old.name)} to {quoted(self.new.name)}"
        for name in sorted(self.old.properties.keys() | self.new.properties.keys()):
            before, after = self.old.properties.get(name), self.new.properties.get(name)
            if before != after:
                yield f"Process property {quoted(name)} changed from {_code(before)} to {_code(after)}"

    def lane_lines(self) -> Iterator[str]:
        for lane, name in self.old.lanes.items():
            if lane not in self.new.lanes:
                yield f"Removed lane {quoted(name)}"
            elif self.new.lanes[lane] != name:
                yield f"Lane {quoted(name)} renamed to {quoted(self.new.lanes[lane])}"
        yield from (f"New lane {quoted(name)}" for lane, name in self.new.lanes.items() if lane not in self.old.lanes)

    def moved_lines(self) -> Iterator[str]:
        """Elements in another lane (by lane id: a renamed lane moves nothing)."""
        for old_id, new_id in self.to_new.items():
            before, after = self.old.lane_of.get(old_id), self.new.lane_of.get(new_id)
            # A process that gains or loses its lanes altogether says so in the lane lines.
            if before == after or not self.old.lanes or not self.new.lanes:
                continue
            element = self.new.elements[new_id]
            what = f"{noun(element).capitalize()} {label(element)}"
            if before is None:
                yield f"{what} moved into lane {quoted(self.new.lanes[after or ''])}"
            elif after is None:
                yield f"{what} moved out of lane {quoted(self.old.lanes[before])}"
            else:
                yield f"{what} moved from lane {quoted(self.old.lanes[before])} to lane {quoted(self.new.lanes[after])}"

    # -- new and removed elements --------------------------------------------------------------------
    def added_lines(self) -> Iterator[str]:
        for new_id in self.added:
            element = self.new.elements[new_id]
            where = _where(element, self.new, self.new_label)
            yield f"New {noun(element)} {label(element)}{where}"

    def removed_lines(self) -> Iterator[str]:
        for old_id in self.removed:
            element = self.old.elements[old_id]
            where = _where(element, self.old, self.old_label)
            yield f"Removed {noun(element)} {label(element)}{f' (was{where})' if where else ''}"

    # -- flows -----------------------------------------------------------------------------------------
    def flow_lines(self) -> list[str]:
        old_edges = {(f.source, f.target): f for f in self.old.flows}
        new_edges = {(self.key_of_new.get(f.source, f.source), self.key_of_new.get(f.target, f.target)): f
                     for f in self.new.flows}
        added, removed = set(self.added), set(self.removed)
        lines: list[str] = []
        for edge, flow in new_edges.items():
            between = f"flow from {self.key_label(edge[0])} to {self.key_label(edge[1])}"
            if edge in old_edges:
                lines += _flow_changes(between, old_edges[edge], flow)
            elif not (added & set(edge)) and not _through(self.old.flows, edge, removed):
                when = f" when {_code(flow.condition)}" if flow.condition else ""
                lines.append(f"New {between}{when}")
        for edge in old_edges:
            if edge not in new_edges and not (removed & set(edge)) \
                    and not _through(self.new.flows, edge, added, self.key_of_new):
                lines.append(f"Removed flow from {self.key_label(edge[0])} to {self.key_label(edge[1])}")
        return lines + list(self._default_lines(old_edges, new_edges))

    def _default_lines(self, old_edges: Mapping[Edge, Flow], new_edges: Mapping[Edge, Flow]) -> Iterator[str]:
        before = {edge[0]: edge[1] for edge, flow in old_edges.items() if flow.default}
        after = {edge[0]: edge[1] for edge, flow in new_edges.items() if flow.default}
        for source in [key for key in self.to_new if key in before or key in after]:
            was, now = before.get(source), after.get(source)
            if was == now:
                continue
            gateway = self.key_label(source)
            if now is None:
                yield f"{gateway} no longer has a default flow (was to {self.key_label(was or '')})"
            elif was is None:
                yield f"{gateway} now takes the flow to {self.key_label(now)} by default"
            else:
                yield f"Default flow from {gateway} changed from {self.key_label(was)} to {self.key_label(now)}"


def _flow_changes(between: str, old: Flow, new: Flow) -> Iterator[str]:
    """``between`` is "flow from 'A' to 'B'"."""
    if old.condition != new.condition:
        if old.condition is None:
            yield f"F{between[1:]} now has the condition {_code(new.condition)}"
        elif new.condition is None:
            yield f"F{between[1:]} no longer has a condition (was {_code(old.condition)})"
        else:
            yield f"Condition on the {between} changed from {_code(old.condition)} to {_code(new.condition)}"
    if old.name != new.name:
        yield f"F{between[1:]} renamed from {quoted(old.name)} to {quoted(new.name)}"


def _through(flows: list[Flow], edge: Edge, only: set[str], key_of: Mapping[str, str] | None = None) -> bool:
    """Whether ``flows`` lead from edge's source to its target through one or more elements of ``only``
    and nothing else: a flow the new element was inserted into, or the one a removed element leaves."""
    key = (lambda x: key_of.get(x, x)) if key_of is not None else (lambda x: x)
    nexts: dict[str, list[str]] = {}
    for flow in flows:
        nexts.setdefault(key(flow.source), []).append(key(flow.target))
    seen: set[str] = set()
    frontier = [t for t in nexts.get(edge[0], []) if t in only]
    while frontier:
        step = frontier.pop()
        if step in seen:
            continue
        seen.add(step)
        for target in nexts.get(step, []):
            if target == edge[1]:
                return True
            if target in only:
                frontier.append(target)
    return False


def _where(element: Element, version: Outline, label_of: Callable[[str], str]) -> str:
    """Where an element sits: on the activity it is attached to, or between what comes before and after."""
    if element.attached_to:
        return f" on {label_of(element.attached_to)}"
    before = [label_of(f.source) for f in version.flows if f.target == element.id]
    after = [label_of(f.target) for f in version.flows if f.source == element.id]
    if len(before) == 1 and len(after) == 1:
        return f" between {before[0]} and {after[0]}"
    parts = ([f"after {_and(before)}"] if before else []) + ([f"before {_and(after)}"] if after else [])
    return f" {', '.join(parts)}" if parts else ""


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _code(value: object) -> str:
    return "nothing" if value is None else f"`{value}`"
