"""The script sandbox for BPMN script tasks, conditions and expressions.

Process owners edit BPMN in the browser, so scripts are untrusted. Every script, gateway condition,
timer/message/DMN expression that SpiffWorkflow evaluates goes through ``SandboxedEnvironment``:
compiled by RestrictedPython under our policy (engine/sandbox_policy.py: no imports, no ``_`` names or
attributes, no classes...), run with whitelisted builtins plus the project's rule functions, a
real-time deadline and size guards (engine/sandbox_guards.py, engine/sandbox_builtins.py).

Failures are ScriptError subclasses: ScriptPolicyError (refused when compiling or running, with the
line) and ScriptLimitExceeded (too long, too deep, too large). SpiffWorkflow wraps them in a
WorkflowTaskException; ``find_script_error`` digs them out again.

The sandbox is in-process: it bounds time and the size of each value, not the process's memory as a
whole. Run workers with a memory limit (container or RLIMIT_AS) as the last line of defence.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from types import CodeType
from typing import Any

from engine import sandbox_guards as guards
from engine.errors import ScriptError, safe_text
from engine.sandbox_builtins import HELPERS, SAFE_BUILTINS
from engine.sandbox_policy import FILENAME, Mode, ScriptLimitExceeded, ScriptPolicyError, check_script, compile_script
from engine.spiff import PythonScriptEngine, SpiffWorkflowException, TaskDataEnvironment, WorkflowTaskException

__all__ = [
    "Mode",
    "SandboxedEnvironment",
    "SandboxedScriptEngine",
    "ScriptLimitExceeded",
    "ScriptPolicyError",
    "check_script",
    "find_script_error",
    "make_script_engine",
]

# Set after the task data on every run: a data key can neither shadow a guard nor the builtins.
_PROTECTED: Mapping[str, Any] = {**HELPERS, "__builtins__": dict(SAFE_BUILTINS)}


def _with_line(error: ScriptError) -> ScriptError:
    """Give a run-time ScriptError the script line it was raised on (the innermost script frame)."""
    if error.line is None:
        for frame, line in traceback.walk_tb(error.__traceback__):
            if frame.f_code.co_filename == FILENAME:
                error.line = line
    return error


class SandboxedEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's TaskDataEnvironment with the same semantics, run inside the sandbox.

    ``evaluate`` returns the expression's value. ``execute`` runs the script over the task data:
    assignments become task data; functions, the rule functions and external-context names do not
    (exactly as SpiffWorkflow strips them); it returns True.
    """

    def __init__(
        self,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        *,
        time_limit_s: float = 1.0,
        call_service: Callable[..., Any] | None = None,
    ) -> None:
        functions = dict(functions or {})
        for name in functions:
            if not name.isidentifier() or name.startswith("_"):
                raise ValueError(f"script function name {name!r} must be an identifier not starting with '_'")
        super().__init__(functions)
        if time_limit_s <= 0:
            raise ValueError("time_limit_s must be positive")
        self.time_limit_s = time_limit_s
        self._call_service = call_service

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        code = compile_script(expression, "eval")
        self._prepare_context(context)
        result = self._run(code, self._globals(context, external_context or {}))
        guards.check_data(result, "the expression's value")  # a shared-reference bomb must not escape
        return result

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        external = external_context or {}
        self.check_for_overwrite(context, external)
        code = compile_script(script, "exec")
        self._prepare_context(context)
        namespace = self._globals(context, external)
        self._run(code, namespace)
        # As SpiffWorkflow does: assignments become data; functions, globals and external names do not.
        data = {
            key: value for key, value in namespace.items()
            if key not in _PROTECTED and key not in self.globals and key not in external and not callable(value)
        }
        guards.check_data(data, "the task data")  # before it lands: the serializer must never hang on it
        for key in list(context):
            if key not in data and key not in _PROTECTED:  # deleted by the script, or no longer data
                del context[key]
        context.update(data)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        if self._call_service is None:
            raise NotImplementedError("no call_service was given to the script environment")
        return self._call_service(context, **kwargs)

    def _globals(self, context: Mapping[str, Any], external: Mapping[str, Any]) -> dict[str, Any]:
        namespace = dict(self.globals)
        namespace.update(external)
        namespace.update(context)
        namespace.update(_PROTECTED)
        return namespace

    def _run(self, code: CodeType, namespace: dict[str, Any]) -> Any:
        run, token = guards.start_run(self.time_limit_s)
        try:
            result = eval(code, namespace)  # exec-mode code objects run under eval() too
            if run.failure is not None:  # the script swallowed a limit (e.g. return inside finally)
                raise run.failure
            return result
        except ScriptError as error:
            _with_line(error)
            raise
        finally:
            guards.end_run(run, token)


class SandboxedScriptEngine(PythonScriptEngine):
    """PythonScriptEngine that reports sandbox errors with their line and keeps them as ``__cause__``."""

    def get_error_line_number_and_content(self, script: str, err: Exception) -> tuple[int, str]:
        line = getattr(err, "line", None) if isinstance(err, ScriptError) else None
        if not line:
            return super().get_error_line_number_and_content(script, err)
        lines = script.splitlines()
        return line, lines[line - 1] if line <= len(lines) else ""

    def create_task_exec_exception(self, task: Any, script: str, err: Exception) -> Exception:
        wrapped: Exception = super().create_task_exec_exception(task, script, err)
        if wrapped is not err and wrapped.__cause__ is None:
            wrapped.__cause__ = err
        return wrapped

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        try:
            return super().evaluate(task, expression, external_context)
        except WorkflowTaskException as wrapped:
            if wrapped.__cause__ is None and isinstance(wrapped.__context__, ScriptError):
                wrapped.__cause__ = wrapped.__context__
                if wrapped.line_number is None:
                    wrapped.line_number = wrapped.__context__.line
            raise

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        # SpiffWorkflow 3.2's own call_service turns every failure into NameError('script').
        try:
            return self.environment.call_service(task.data, **kwargs)
        except SpiffWorkflowException:
            raise
        except Exception as error:
            raise WorkflowTaskException(f"service call failed: {safe_text(error)}", task=task,
                                        exception=error) from error


def make_script_engine(
    functions: Mapping[str, Callable[..., Any]],
    *,
    time_limit_s: float = 1.0,
    call_service: Callable[..., Any] | None = None,
) -> PythonScriptEngine:
    """A SpiffWorkflow script engine that runs every script and expression in the sandbox."""
    environment = SandboxedEnvironment(functions, time_limit_s=time_limit_s, call_service=call_service)
    return SandboxedScriptEngine(environment=environment)


def find_script_error(error: BaseException) -> ScriptError | None:
    """The ScriptError behind ``error`` (itself, or in its __cause__/__context__ chain), if any."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ScriptError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
