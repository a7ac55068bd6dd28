"""What SpiffWorkflow's ``SpecDiff`` says changed between two versions of one process, in the engine's
own terms: which elements line up (an element whose id changed is matched by where it sits) and, for
each changed one, its facets before and after (name, timer, form properties, script...).

The library compares task specs through their serialized form; the keys of that form are read here and
nowhere else, so a SpiffWorkflow upgrade touches this module only. Sequence flows and lanes are not
facets: engine/spec_diff.py reads them from the XML, which names each flow and lane.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.diff import SpecDiff
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.spiff.parsing import BPMN_NS, add_file, new_parser, parsing_depth

# Serialized keys that are not facets: the graph and lanes come from the XML, the rest is bookkeeping
# (``description`` repeats the type and interrupting flag; ``task_spec`` names a multi-instance child).
_NOT_FACETS = {"name", "bpmn_id", "inputs", "outputs", "lane", "cond_task_specs", "default_task_spec", "choice",
               "manual", "lookahead", "description", "typename", "task_spec", "split_task", "threshold", "cancel"}
_TIMERS = {"DurationTimerEventDefinition": "duration", "TimeDateEventDefinition": "date",
           "CycleTimerEventDefinition": "cycle"}
_EMBEDDED = ("subProcess", "transaction", "adHocSubProcess")
_MULTI_INSTANCE = ("cardinality", "data_input", "data_output", "input_item", "output_item", "condition")


@dataclass(frozen=True)
class ElementChange:
    """One element in both versions whose facets differ: facet -> (before, after), None where absent."""

    old_id: str
    new_id: str
    facets: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class ProcessChanges:
    aligned: dict[str, str]  # old element id -> new element id, for every element found in both
    changed: list[ElementChange]


def process_changes(old_files: Mapping[str, bytes], new_files: Mapping[str, bytes], process_id: str) -> ProcessChanges:
    """SpecDiff over the process and each embedded subprocess the two versions share."""
    old_specs, new_specs = _specs(old_files, process_id), _specs(new_files, process_id)
    registry = BpmnWorkflowSerializer.configure(dict(SPIFF_CONFIG))  # a copy: the library's config stays as it is
    aligned: dict[str, str] = {}
    facets: dict[str, ElementChange] = {}
    for scope in sorted(old_specs.keys() & new_specs.keys()):
        diff = SpecDiff(registry, old_specs[scope], new_specs[scope])
        for old, new in diff.alignment.items():
            if old is None or new is None or not old.bpmn_id or not new.bpmn_id:
                continue
            aligned[old.bpmn_id] = new.bpmn_id
            differ: dict[str, tuple[Any, Any]] = {}
            if old in diff.changed:
                before, after = _facets(registry.convert(old)), _facets(registry.convert(new))
                differ = {k: (before.get(k), after.get(k)) for k in sorted(before.keys() | after.keys())
                          if before.get(k) != after.get(k)}
            if differ or old.bpmn_id != new.bpmn_id:
                # A multi-instance task is two specs with one id: their facets describe one element.
                known = facets.setdefault(old.bpmn_id, ElementChange(old.bpmn_id, new.bpmn_id))
                known.facets.update(differ)
    return ProcessChanges(aligned, [facets[key] for key in sorted(facets)])


def _specs(files: Mapping[str, bytes], process_id: str) -> dict[str, Any]:
    """The process's spec under "" and its embedded subprocesses' specs by their ids."""
    parser = new_parser()
    roots = {name: etree.fromstring(content) for name, content in files.items()}
    with parsing_depth():
        for name, root in roots.items():
            add_file(parser, name, root)
        # Each embedded subprocess by its own id: asking for the process's dependencies would also
        # resolve the processes it calls, which need not be in its files (they have versions of their own).
        # The library registers an embedded subprocess while parsing what holds it: outer ones first.
        specs = {"": parser.get_spec(process_id)}
        for sid in _embedded_ids(roots, process_id):
            spec = parser.get_spec(sid, required=False)
            if spec is not None:
                specs[sid] = spec
    return specs


def _embedded_ids(roots: Mapping[str, Any], process_id: str) -> list[str]:
    """The process's embedded subprocesses, nested ones too, in document order (outer before inner)."""
    for root in roots.values():
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            if process.get("id") == process_id:
                return [sub.get("id") for sub in process.iter(*(f"{{{BPMN_NS}}}{tag}" for tag in _EMBEDDED))]
    return []


def _facets(dct: Mapping[str, Any]) -> dict[str, Any]:
    """A serialized task spec as the engine's facets: ``type``, ``name``, ``timer`` (kind, expression),
    ``event`` (kind, name), ``properties``, ``operation``, ``script``, ``called_process``, ``interrupting``...
    A key the engine has no word for keeps its own name, so no change goes unsaid."""
    facets: dict[str, Any] = {"type": _type_of(dct)}
    for key, value in dct.items():
        if key in _NOT_FACETS or key in _MULTI_INSTANCE:
            continue
        if key == "bpmn_name":
            facets["name"] = value
        elif key == "event_definition":
            facets.update(_event_facets(value))
        elif key == "extensions":
            extensions = dict(value or {})
            facets["properties"] = dict(extensions.pop("properties", None) or {})
            extensions.pop("serviceTaskOperator", None)  # read as operation_name/params/result_variable
            for name, extension in sorted(extensions.items()):
                facets[f"extension {name}"] = extension
        elif key == "operation_name":
            facets["operation"] = value
        elif key == "spec":
            # A call activity names the process it calls; an embedded subprocess names itself.
            if dct.get("typename") == "CallActivity":
                facets["called_process"] = value
        elif key == "cancel_activity":
            facets["interrupting"] = value
        elif value not in (None, [], {}):
            facets[key] = value
    if any(key in dct for key in _MULTI_INSTANCE):
        facets["multi_instance"] = {key: dct.get(key) for key in _MULTI_INSTANCE}
    return facets


def _type_of(dct: Mapping[str, Any]) -> str:
    """The element's kind in the library's words (``User Task``), without the interrupting flag,
    which is its own facet."""
    description = str(dct.get("description") or dct.get("typename") or "")
    return description.replace("Non-Interrupting ", "").replace("Interrupting ", "")


def _event_facets(definition: Mapping[str, Any] | None) -> dict[str, Any]:
    if not definition:
        return {}
    typename = str(definition.get("typename", ""))
    if typename in _TIMERS:
        return {"timer": (_TIMERS[typename], definition.get("expression"))}
    if typename == "NoneEventDefinition":
        return {}
    kind = typename.removesuffix("EventDefinition").lower() or "event"
    facets: dict[str, Any] = {"event": (kind, definition.get("name") or definition.get("code"))}
    for key in ("expression", "message_var", "code", "correlation_properties", "condition"):
        if definition.get(key) not in (None, [], {}):
            facets[f"{kind} {key}"] = definition.get(key)
    return facets
