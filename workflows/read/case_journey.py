"""Where a family is in its processes: the diagrams of its journey with current and completed steps.

Read through engine/diagrams.py (each workflow's current and completed elements from the stored
state, never by restoring or running it: a page view runs nothing). Claim-window instances serve many
families, so only the family's own ``family_audit`` sub-workflows (and the call activity that holds
them) are read there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.diagrams import GATEWAYS, DiagramFile, StoredWorkflow, instance_files, progress, version_files
from engine.diagrams import Element as Node
from engine.diagrams import elements_of_instance as nodes_of_instance
from engine.diagrams import elements_of_version as nodes_of_version
from engine.models import Instance

__all__ = ["Diagram", "DiagramFile", "Node", "choose", "diagrams_of", "instance_files", "instance_rows",
           "nodes_of_instance", "nodes_of_version", "version_files", "workflows_of"]

AUDIT_PROCESS = "family_audit"
# Started by a message beside the family's journey: shown, but not where the family "is".
SIDE_PROCESSES = frozenset({"identification_alert", "audit_evidence"})


@dataclass
class Diagram:
    """One BPMN file of one instance, as far as this family is concerned."""

    instance_id: int
    process_id: str  # the process the family is in (names the diagram's URL)
    file: str
    title: str
    started_at: datetime
    current: list[str] = field(default_factory=list)  # element ids
    completed: list[str] = field(default_factory=list)
    current_steps: list[str] = field(default_factory=list)  # their names, for the text alternative
    completed_steps: list[str] = field(default_factory=list)
    has_user_task: bool = False


@dataclass
class _Marks:
    """Elements of one file by where the workflows drawn in it are: current, ready, completed."""

    current: set[str] = field(default_factory=set)
    ready: set[str] = field(default_factory=set)
    completed: set[str] = field(default_factory=set)

    def add(self, workflow: StoredWorkflow) -> None:
        self.current |= workflow.current
        self.ready |= workflow.ready
        self.completed |= workflow.completed


def _family_of(workflow: StoredWorkflow) -> str | None:
    data = workflow.data
    item = data.get("pool_item") or {}
    return item.get("family_ref") or data.get("family_ref")


def workflows_of(instance: Instance, workflows: list[StoredWorkflow],
                 family_ref: str) -> list[tuple[str, StoredWorkflow]]:
    """``(process id, workflow)`` pairs of the instance that concern the family; embedded subprocesses
    are attributed to the process whose file draws them."""
    top, subs = workflows[0], {w.id: w for w in workflows[1:]}
    owner = {task_id: key for key, sub in subs.items() for task_id in sub.task_ids}
    shared = instance.process_id == "claim_window"
    chosen: list[tuple[str, StoredWorkflow]] = []
    if not shared:
        chosen.append((instance.process_id, top))
    for key, sub in subs.items():
        up = key
        while up in subs and subs[up].process_id != AUDIT_PROCESS and owner.get(subs[up].parent_task_id or ""):
            up = owner[subs[up].parent_task_id or ""]  # up to the family's audit, if inside one
        if shared and (up not in subs or subs[up].process_id != AUDIT_PROCESS or _family_of(subs[up]) != family_ref):
            continue
        if shared and up == key:  # the call activity that holds this family's audit
            holder = top.only([sub.parent_task_id or ""])
            if holder.tasks:
                chosen.append((instance.process_id, holder))
        chosen.append((sub.process_id, sub))
    return chosen


def diagrams_of(session: Session, instance: Instance, family_ref: str) -> tuple[list[Diagram], dict[str, str]]:
    """The instance's diagrams for the family, and which process each of its task ids ran in."""
    read = progress(session, instance)
    files = read.files
    by_file: dict[str, Diagram] = {}
    task_process: dict[str, str] = {}
    marks: dict[str, _Marks] = {}
    for process_id, workflow in workflows_of(instance, read.workflows, family_ref):
        diagram_file = files.get(process_id)
        if diagram_file is None:  # an embedded subprocess: drawn in its parent's file, found by its id
            diagram_file = next((f for f in files.values() if process_id in f.nodes), None)
            if diagram_file is None:
                continue
        entry = by_file.get(diagram_file.name)
        if entry is None:
            main = process_id if process_id in diagram_file.processes else next(iter(diagram_file.processes))
            entry = by_file[diagram_file.name] = Diagram(instance.id, main, diagram_file.name,
                                                         diagram_file.processes[main], instance.created_at)
        elif process_id in diagram_file.processes and process_id != instance.process_id:
            entry.process_id, entry.title = process_id, diagram_file.processes[process_id]  # the deeper one
        marks.setdefault(diagram_file.name, _Marks()).add(workflow)
        task_process.update(dict.fromkeys(workflow.task_ids, entry.title))
    for name, entry in by_file.items():
        _mark(entry, marks[name], next(f for f in files.values() if f.name == name).nodes)
    return list(by_file.values()), task_process


def _mark(entry: Diagram, marks: _Marks, nodes: Mapping[str, Node]) -> None:
    for element_id, node in nodes.items():
        if element_id in marks.current and node.kind != "boundaryEvent":  # a boundary waits with its activity
            entry.current.append(element_id)
            if node.name and node.kind not in GATEWAYS:
                entry.current_steps.append(node.name)
            entry.has_user_task = entry.has_user_task or (node.kind == "userTask" and element_id in marks.ready)
        elif element_id in marks.completed:
            entry.completed.append(element_id)
            if node.name and node.kind not in GATEWAYS:
                entry.completed_steps.append(node.name)


def choose(diagrams: Iterable[Diagram]) -> Diagram | None:
    """Where the family is: its journey's step waiting for people first (the TF team's side processes
    after it), then whatever is running; the newest of equals."""
    def rank(d: Diagram) -> tuple[bool, bool, bool, bool, datetime, int]:
        main = d.process_id not in SIDE_PROCESSES
        return (d.has_user_task and main, d.has_user_task, bool(d.current) and main, bool(d.current),
                d.started_at, d.instance_id)

    return max(diagrams, key=rank, default=None)


def instance_rows(session: Session, ids: Iterable[int]) -> list[Instance]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(session.scalars(select(Instance).where(Instance.id.in_(wanted)).order_by(Instance.id)))
