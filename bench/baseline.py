"""The in-memory baseline: the same workflow step in bare SpiffWorkflow, with no database.

Load the stored state (deserialize), complete the user task, run the automatic work after it (the
script task), save the state (serialize). Same spec, same state text, same serializer as the engine
(engine.spiff.StateSerializer, spec stripped), but SpiffWorkflow's plain script environment.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.util.task import TaskState

from bench.stats import time_each
from engine import spiff


def _step(workflow: Any) -> None:
    task = next(iter(workflow.get_tasks(state=TaskState.READY, manual=True)))
    task.data.update({"reviewed_by": "cm1"})
    task.run()
    workflow.refresh_timers()
    workflow.do_engine_steps()


def measure(state: str, spec: Any, subprocess_specs: Any, calls: int) -> dict[str, list[float]]:
    """Samples (seconds) of the whole load-step-save, and of the step alone (state already loaded)."""
    serializer = spiff.StateSerializer()
    script_engine = PythonScriptEngine(environment=TaskDataEnvironment({}))

    def load_step_save(_: int) -> None:
        workflow = serializer.loads(state, spec, subprocess_specs)
        workflow.script_engine = script_engine
        _step(workflow)
        serializer.dumps(workflow)

    time_each(max(20, calls // 10), load_step_save)  # warm up
    full = time_each(calls, load_step_save)
    loaded = [serializer.loads(state, spec, subprocess_specs) for _ in range(calls)]
    for workflow in loaded:
        workflow.script_engine = script_engine
    step = time_each(calls, lambda i: _step(loaded[i]))
    return {"load_step_save": full, "step_only": step}
