"""SpiffWorkflow's script engine and script environment: the base classes of the engine's sandbox
(engine/scripts.py) and of its service-task routing (engine/steps.py)."""

from __future__ import annotations

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

__all__ = ["BasePythonScriptEngineEnvironment", "PythonScriptEngine", "TaskDataEnvironment"]
