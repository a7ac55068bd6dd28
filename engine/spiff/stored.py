"""Reading a stored state (serializer.py's JSON) without restoring it: for the top-level workflow and
each sub-workflow (call activities and embedded subprocesses alike), its tasks' elements and states.

Restoring would build every task and re-attach the spec; a page only needs to know where each
workflow is, so this reads the JSON and runs nothing. Tasks are read from the JSON only when asked
for, so a claim window holding many families' sub-workflows costs little more than its parse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, KeysView, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from engine.spiff.states import State

_CURRENT = State.WAITING.value | State.READY.value | State.STARTED.value


@dataclass(frozen=True)
class StoredTask:
    id: str
    # The BPMN id of its element (a multi-instance child counts as its activity). The library's own
    # tasks (``Start``, ``End``...) appear under their names: look ids up among the version's elements.
    element_id: str
    state: State


@dataclass(frozen=True)
class StoredWorkflow:
    id: str  # "" for the top-level workflow; a sub-workflow's is the id of the task that runs it
    process_id: str  # the process, called process or embedded subprocess it runs
    parent_task_id: str | None  # the call activity or subprocess task that runs it (in another workflow)
    data: Mapping[str, Any]  # the data it started with
    raw_tasks: Mapping[str, Mapping[str, Any]] = field(repr=False)  # the serializer's, by task id

    @property
    def task_ids(self) -> KeysView[str]:
        return self.raw_tasks.keys()

    @cached_property
    def tasks(self) -> tuple[StoredTask, ...]:
        return tuple(StoredTask(task_id, _element_id(t), State.of(int(t["state"])))
                     for task_id, t in self.raw_tasks.items())

    @property
    def current(self) -> frozenset[str]:
        """Element ids where the workflow is now: waiting, ready or started."""
        return self._where[0]

    @property
    def ready(self) -> frozenset[str]:
        """Element ids with a ready task (for a user task: waiting for people)."""
        return self._where[1]

    @property
    def completed(self) -> frozenset[str]:
        return self._where[2]

    @cached_property
    def _where(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        current, ready, completed = set(), set(), set()
        for task in self.raw_tasks.values():
            state = int(task["state"])
            if state & _CURRENT:
                current.add(_element_id(task))
                if state == State.READY.value:
                    ready.add(_element_id(task))
            elif state == State.COMPLETED.value:
                completed.add(_element_id(task))
        return frozenset(current), frozenset(ready), frozenset(completed)

    def only(self, task_ids: Iterable[str]) -> StoredWorkflow:
        """The same workflow with only these tasks."""
        return replace(self, raw_tasks={i: self.raw_tasks[i] for i in task_ids if i in self.raw_tasks})


def read_state(text: str, process_id: str) -> list[StoredWorkflow]:
    """The workflows of a stored state, the top-level one (running ``process_id``) first."""
    state = json.loads(text or "{}")
    found = [_workflow(state, "", process_id, None)]
    for key, sub in (state.get("subprocesses") or {}).items():
        found.append(_workflow(sub, str(key), str(sub.get("spec")), sub.get("parent_task_id")))
    return found


def _workflow(dct: Mapping[str, Any], key: str, process_id: str, parent_task_id: str | None) -> StoredWorkflow:
    tasks: Mapping[str, Mapping[str, Any]] = dct.get("tasks") or {}
    root = tasks.get(dct.get("root") or "", {})
    return StoredWorkflow(key, process_id, parent_task_id, root.get("data") or {}, tasks)


def _element_id(task: Mapping[str, Any]) -> str:
    return str(task.get("task_spec")).split(" [", 1)[0]  # a multi-instance child's spec is "<id> [child]"
