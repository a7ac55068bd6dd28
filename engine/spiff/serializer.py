"""A workflow's state as JSON text without its spec: the spec is stored once per version, not per
instance, and re-attached from the parsed-spec cache on load."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.spiff.types import ProcessSpec, Workflow


class _SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    """The library's converter without ``spec`` and ``subprocess_specs`` in the output."""

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

    def loads(self, text: str, spec: ProcessSpec, subprocess_specs: dict[str, ProcessSpec]) -> Workflow:
        dct = json.loads(text)
        self._serializer.migrate(dct)
        workflow: Workflow = self._serializer.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
        return workflow
