"""The one place that talks to SpiffWorkflow's untyped API: parsing, serialization, task inspection.

Everything else in the engine goes through these typed helpers, so a SpiffWorkflow upgrade touches
this module only.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

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

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
TIMER_EVENTS = ("DurationTimerEventDefinition", "TimeDateEventDefinition", "CycleTimerEventDefinition")

# SpiffWorkflow ships no type information: these aliases say what a value is without pretending to check it.
Workflow: TypeAlias = Any  # SpiffWorkflow.bpmn.BpmnWorkflow
SpiffTask: TypeAlias = Any  # SpiffWorkflow.task.Task


@dataclass
class ParsedBundle:
    """The specs of one deployed bundle: each executable process with the call-activity specs it needs."""

    specs: dict[str, Any] = field(default_factory=dict)
    subprocess_specs: dict[str, dict[str, Any]] = field(default_factory=dict)


def new_parser() -> Any:
    return SpiffBpmnParser(validator=VALIDATOR)


def add_file(parser: Any, name: str, root: Any) -> None:
    if name.lower().endswith(".dmn"):
        parser.add_dmn_xml(root, filename=name)
    else:
        parser.add_bpmn_xml(root, filename=name)


def parse_bundle(files: Mapping[str, bytes | str]) -> ParsedBundle:
    """Parse trusted, already validated files (used when loading a stored version)."""
    parser = new_parser()
    bundle = ParsedBundle()
    with parsing_depth():
        for name, content in files.items():
            add_file(parser, name, etree.fromstring(_as_bytes(content)))
        for process_id in parser.get_process_ids():
            bundle.specs[process_id] = parser.get_spec(process_id)
            bundle.subprocess_specs[process_id] = parser.get_subprocess_specs(process_id)
    return bundle


def _as_bytes(content: bytes | str) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


class _SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    """Serializes a workflow without its spec: the spec is stored once per version, not per instance."""

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None) -> Any:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class StateSerializer:
    """Workflow state <-> JSON text, without the spec (re-attached from the cached bundle on load)."""

    def __init__(self) -> None:
        config = dict(SPIFF_CONFIG)  # a copy: never mutate the library's global config
        config[BpmnWorkflow] = _SpecFreeWorkflowConverter
        self._serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))

    def dumps(self, workflow: Workflow) -> str:
        return str(self._serializer.serialize_json(workflow))

    def loads(self, text: str, spec: Any, subprocess_specs: dict[str, Any]) -> Workflow:
        dct = json.loads(text)
        self._serializer.migrate(dct)
        return self._serializer.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)


def ready_human_tasks(workflow: Workflow) -> list[SpiffTask]:
    return list(workflow.get_tasks(state=TaskState.READY, manual=True))


def has_ready_automatic_tasks(workflow: Workflow) -> bool:
    return workflow.get_next_task(state=TaskState.READY, manual=False) is not None


def task_properties(task: SpiffTask) -> dict[str, str]:
    return task_properties_of_spec(task.task_spec)


def task_state_name(task: SpiffTask) -> str:
    return str(TaskState.get_name(task.state))


def is_completed(task: SpiffTask) -> bool:
    return bool(task.state == TaskState.COMPLETED)


def find_task(workflow: Workflow, task_id: str) -> SpiffTask | None:
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except Exception:  # SpiffWorkflow raises its own TaskNotFoundException; a bad uuid is the same answer
        return None


def tasks_changed_since(workflow: Workflow, since: float) -> Iterator[SpiffTask]:
    """Tasks whose state changed at or after ``since`` (``time.time()``), in every subprocess."""
    return iter(workflow.get_tasks(updated_ts=since))


def timer_due_times(workflow: Workflow) -> list[datetime]:
    due: list[datetime] = []
    for event in workflow.waiting_events():
        if event.event_type in TIMER_EVENTS:
            value = event.value
            if isinstance(value, dict):  # a cycle timer keeps {'cycles', 'next', 'duration'}
                value = value.get("next")
            if isinstance(value, str):
                due.append(TimerEventDefinition.get_datetime(value))
    return due


def data_at(workflow: Workflow) -> dict[str, Any]:
    """The data as of the latest step: what the open user tasks see, or the workflow's data once done."""
    if workflow.is_completed():
        return dict(workflow.data)
    ready = ready_human_tasks(workflow)
    if ready:
        return dict(ready[0].data)
    latest = max(
        workflow.get_tasks(state=TaskState.COMPLETED | TaskState.WAITING | TaskState.STARTED),
        key=lambda t: t.last_state_change,
        default=None,
    )
    return dict(latest.data) if latest is not None else dict(workflow.task_tree.data)


def iter_lanes(root: Any) -> Iterable[tuple[str, str]]:
    """(lane id, lane name) for every lane in a BPMN document."""
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        yield lane.get("id", ""), lane.get("name", "")


def task_properties_of_spec(task_spec: Any) -> dict[str, str]:
    return dict(getattr(task_spec, "extensions", {}).get("properties", {}) or {})


def install_month_end_clamping() -> None:
    """Make SpiffWorkflow's duration timers clamp month ends, as the project clock and the rules do.

    SpiffWorkflow adds whole month lengths (31 January + P1M = 3 March); people mean 28 February.
    Like the clock, this is a process-wide replacement made once, when an engine is built.
    """
    from dateutil.relativedelta import relativedelta
    from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_module

    original = TimerEventDefinition.get_timedelta_from_start
    if getattr(original, "clamps_month_ends", False):
        return

    def clamped(parsed_duration: dict[str, Any], start: datetime | None = None) -> Any:
        years, months = parsed_duration.get("years", 0), parsed_duration.get("months", 0)
        if int(years) != years or int(months) != months:  # fractional months: keep the library's reading
            return original(dict(parsed_duration), start)
        rest = {k: v for k, v in parsed_duration.items() if k not in ("years", "months")}
        start = start or timer_module.datetime.now(timer_module.timezone.utc)
        end = start + relativedelta(years=int(years), months=int(months))
        return (end - start) + timer_module.timedelta(**rest)

    clamped.clamps_month_ends = True  # type: ignore[attr-defined]
    TimerEventDefinition.get_timedelta_from_start = staticmethod(clamped)
