"""Typed names for SpiffWorkflow's untyped objects: the part of them the engine relies on.

The library ships no type information. These protocols list the attributes and methods the engine
uses, so mypy checks every use and an upgrade knows exactly what must keep working. The library's
objects satisfy them structurally; nothing is wrapped, so nothing costs a copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol
from uuid import UUID


class TaskSpec(Protocol):
    """One element of a parsed process (a user task, a gateway, an event...)."""

    name: str  # the spec's name: the BPMN id, or an internal name such as "Start"
    bpmn_id: str | None  # None for the library's own internal specs
    bpmn_name: str | None
    lane: str | None
    manual: bool  # a task people do (user and manual tasks)


class ProcessSpec(Protocol):
    """A parsed process (or a called/embedded subprocess): its elements by spec name."""

    name: str
    file: str | None
    task_specs: Mapping[str, TaskSpec]


class Task(Protocol):
    """One task of a running workflow: an element's activation, with the data it sees."""

    id: UUID
    state: int  # the library's TaskState bit; read it through engine.spiff.states
    data: dict[str, Any]
    task_spec: TaskSpec
    parent: Task | None
    children: list[Task]
    depth: int  # tasks above this one, up to the root
    internal_data: dict[str, Any]
    last_state_change: float

    def run(self) -> Any: ...


class Workflow(Protocol):
    """A running workflow (BpmnWorkflow) with its sub-workflows."""

    data: dict[str, Any]
    task_tree: Task
    spec: Any
    subprocess_specs: dict[str, Any]
    correlations: dict[str, Any]
    script_engine: Any
    event_manager: Any  # its ``tasks``: the waiting catch tasks by id

    def get_tasks(self, first_task: Task | None = None, **filters: Any) -> Iterable[Task]: ...

    def get_next_task(self, first_task: Task | None = None, **filters: Any) -> Task | None: ...

    def get_task_from_id(self, task_id: UUID) -> Task: ...

    def waiting_events(self) -> list[Any]: ...

    def get_events(self) -> list[Any]: ...

    def send_event(self, event: Any) -> None: ...

    def is_completed(self) -> bool: ...

    def refresh_timers(self) -> None: ...

    def do_engine_steps(self) -> None: ...

    def cancel(self) -> Any: ...
