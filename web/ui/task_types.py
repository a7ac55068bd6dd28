"""The task types people can filter on: the user tasks of the latest deployed version of each process.

Read from the parsed definitions (cached per version), not from the task table, so the list costs
nothing however many tasks are open.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.manual_task import ManualTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import DefinitionProcess
from web.wiring import get_engine


def task_types(session: Session) -> list[tuple[str, str]]:
    latest = session.execute(
        select(DefinitionProcess.process_id, func.max(DefinitionProcess.version_id))
        .group_by(DefinitionProcess.process_id).order_by(DefinitionProcess.process_id)
    ).all()
    definitions = get_engine().definitions
    found: dict[str, str] = {}
    for process_id, version_id in latest:
        bundle = definitions.load(session, version_id).bundle
        specs = [bundle.specs.get(process_id), *bundle.subprocess_specs.get(process_id, {}).values()]
        for spec in specs:
            for task_spec in getattr(spec, "task_specs", {}).values():
                if isinstance(task_spec, UserTask | ManualTask):
                    found.setdefault(task_spec.bpmn_id, task_spec.bpmn_name or task_spec.bpmn_id)
    return sorted(found.items(), key=lambda item: item[1])
