"""Link events, which SpiffWorkflow 3.2 does not know: it parses a link throw as a plain end of the
path and never reaches the link catch (it has no incoming flow), so an instance completed at the throw.

A link pair is a go-to within one process or subprocess, so before the library parses a file each
throw is joined to the catch of the same link name by a sequence flow and both lose their link
definitions: the library then runs them as plain intermediate events, with their ids and names kept
(history and diagrams still show them). The stored file is not changed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_B = f"{{{BPMN_NS}}}"


def _links(scope: Any, kind: str) -> Iterator[tuple[Any, str]]:
    for event in scope.findall(f"{_B}{kind}"):
        definition = event.find(f"{_B}linkEventDefinition")
        if definition is not None:
            yield event, definition.get("name") or ""


def unmatched_throws(root: Any) -> Iterator[tuple[Any, str]]:
    """Link throws with no link catch of the same name in their process or subprocess."""
    for scope in _scopes(root):
        catches = {name for _, name in _links(scope, "intermediateCatchEvent")}
        for event, name in _links(scope, "intermediateThrowEvent"):
            if name not in catches:
                yield event, name


def _scopes(root: Any) -> Iterator[Any]:
    yield from root.iter(f"{_B}process")
    yield from root.iter(f"{_B}subProcess")


def joined(root: Any) -> Any:
    """The document with each link throw flowing into its catch (the same document if it has none)."""
    if next(root.iter(f"{_B}linkEventDefinition"), None) is None:
        return root
    root = copy.deepcopy(root)
    for scope in _scopes(root):
        catches = {name: event for event, name in _links(scope, "intermediateCatchEvent")}
        for event, name in list(_links(scope, "intermediateThrowEvent")):
            target = catches.get(name)
            if target is None:
                continue  # refused at deploy (engine/deploy_problems.py)
            flow_id = f"{event.get('id')}__link__{target.get('id')}"
            outgoing = event.makeelement(f"{_B}outgoing", {})
            outgoing.text = flow_id
            _insert_flow_ref(event, outgoing)
            incoming = target.makeelement(f"{_B}incoming", {})
            incoming.text = flow_id
            _insert_flow_ref(target, incoming)
            ends = {"id": flow_id, "sourceRef": event.get("id"), "targetRef": target.get("id")}
            scope.append(scope.makeelement(f"{_B}sequenceFlow", ends))
            for linked in (event, target):
                definition = linked.find(f"{_B}linkEventDefinition")
                if definition is not None:
                    linked.remove(definition)
    return root


def _insert_flow_ref(event: Any, ref: Any) -> None:
    """In the schema's order: documentation, extensionElements, incoming, outgoing, then the rest."""
    before = {"documentation", "extensionElements", "incoming"}
    if ref.tag.endswith("outgoing"):
        before.add("outgoing")
    position = 0
    for index, child in enumerate(event):
        if isinstance(child.tag, str) and child.tag.split("}")[-1] in before:
            position = index + 1
    event.insert(position, ref)
