"""Parsing BPMN/DMN files into process specs with SpiffWorkflow's parser (spiffworkflow extensions on)."""

from __future__ import annotations

import keyword
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.event_parsers import (
    CANCEL_EVENT_XPATH,
    CONDITIONAL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TERMINATION_EVENT_XPATH,
    TIMER_EVENT_XPATH,
)
from SpiffWorkflow.bpmn.specs.defaults import EndEvent, StartEvent
from SpiffWorkflow.spiff.parser.event_parsers import SpiffEndEventParser, SpiffStartEventParser
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.spiff import event_subprocesses, links
from engine.spiff.types import ProcessSpec

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}

# The parser recurses once per node: long but legal processes need more than Python's default depth.
# Raised only while parsing; a high limit everywhere would let deep recursion through C crash the process.
PARSE_RECURSION_LIMIT = 10_000
_parse_lock = threading.Lock()


@contextmanager
def parsing_depth() -> Iterator[None]:
    with _parse_lock:
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous, PARSE_RECURSION_LIMIT))
        try:
            yield
        finally:
            sys.setrecursionlimit(previous)


@dataclass
class ParsedBundle:
    """The specs of one deployed bundle: each executable process with the call-activity specs it needs."""

    specs: dict[str, ProcessSpec] = field(default_factory=dict)
    subprocess_specs: dict[str, dict[str, ProcessSpec]] = field(default_factory=dict)


class _StartEventParser(SpiffStartEventParser):
    """Start events with error and escalation definitions too (an event subprocess's). The library's
    start parser reads only message, signal, timer and conditional definitions, so an error or
    escalation event subprocess had a plain start and ran when its workflow started, whether or not
    anything was thrown."""

    def create_task(self) -> Any:
        event_definition = self.get_event_definition([MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH, TIMER_EVENT_XPATH,
                                                       CONDITIONAL_EVENT_XPATH, ERROR_EVENT_XPATH,
                                                       ESCALATION_EVENT_XPATH])
        task = self._create_task(event_definition)
        self.spec.start.connect(task)
        return task


class _EndEventParser(SpiffEndEventParser):
    """End events with signal definitions too: the library's end parser reads message, cancel, error,
    escalation and terminate definitions only, so a signal end event ended without throwing."""

    def create_task(self) -> Any:
        event_definition = self.get_event_definition([MESSAGE_EVENT_XPATH, CANCEL_EVENT_XPATH, ERROR_EVENT_XPATH,
                                                       ESCALATION_EVENT_XPATH, TERMINATION_EVENT_XPATH,
                                                       SIGNAL_EVENT_XPATH])
        task = self._create_task(event_definition)
        task.connect(self.spec.end)
        return task


class _Parser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {**SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
                               full_tag("startEvent"): (_StartEventParser, StartEvent),
                               full_tag("endEvent"): (_EndEventParser, EndEvent)}


def new_parser() -> Any:
    """SpiffWorkflow's parser with its schema validation (``get_process_ids``, ``get_spec``...)."""
    return _Parser(validator=VALIDATOR)


def add_file(parser: Any, name: str, root: Any) -> None:
    if name.lower().endswith(".dmn"):
        parser.add_dmn_xml(root, filename=name)
    else:
        parser.add_bpmn_xml(links.joined(root), filename=name)


def parse_bundle(files: Mapping[str, bytes | str]) -> ParsedBundle:
    """Parse trusted, already validated files (used when loading a stored version)."""
    parser = new_parser()
    bundle = ParsedBundle()
    roots = {name: etree.fromstring(_as_bytes(content)) for name, content in files.items()}
    with parsing_depth():
        for name, root in roots.items():
            add_file(parser, name, root)
        for process_id in parser.get_process_ids():
            bundle.specs[process_id] = parser.get_spec(process_id)
            bundle.subprocess_specs[process_id] = parser.get_subprocess_specs(process_id)
    finish(bundle, roots)
    return bundle


def finish(bundle: ParsedBundle, roots: Mapping[str, Any]) -> None:
    """What the parser leaves out of the specs and the engine reads from the XML."""
    every = {"": {**bundle.specs}, **bundle.subprocess_specs}
    event_subprocesses.mark_interrupting(every, roots)
    for specs in every.values():
        for spec in specs.values():
            _data_objects_by_name(spec)


def _data_objects_by_name(spec: Any) -> None:
    """A data object is its process's variable named by its ``name``, as the modeller shows it; the library
    keys it by its ``id``, so one whose id differs (``DataObject_0x1`` named ``score``) never matched the
    task data its scripts wrote, and the step failed. A name that is no Python name keeps the id."""
    objects = getattr(spec, "data_objects", None)
    if not objects:
        return
    renamed = {}
    for data_object in objects.values():
        name = data_object.bpmn_name
        if isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name):
            data_object.bpmn_id = name
        renamed[data_object.bpmn_id] = data_object
    spec.data_objects = renamed


def _as_bytes(content: bytes | str) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def iter_lanes(root: Any) -> Iterable[tuple[str, str]]:
    """(lane id, lane name) for every lane in a BPMN document."""
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        yield lane.get("id", ""), lane.get("name", "")
