"""Benchmark 5: the script sandbox's overhead per expression, against SpiffWorkflow's plain environment.

Both environments get the same rule functions and the same task data; each expression is evaluated
in a tight loop (best of five runs), the way SpiffWorkflow evaluates a gateway condition or a
script task: ``environment.evaluate(expression, data)`` / ``environment.execute(script, data)``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

from bench.stats import Outcome, per_call_s
from engine.sandbox_policy import compile_script
from engine.scripts import SandboxedEnvironment

DATA: dict[str, Any] = {
    "closure_approval": {"decision": "approve", "notes": "fine"},
    "allocation": {"case_manager": "cm1", "team": "team-1"},
    "family_ref": "F-000001",
    "start_date": "2027-01-31",
    "scores": list(range(20)),
}
EXPRESSIONS: dict[str, tuple[str, str]] = {
    "gateway condition": ("eval", 'closure_approval["decision"] == "return"'),
    "dict lookup": ("eval", 'allocation["team"]'),
    "rule function call": ("eval", 'window_end(6, "months", start_date)'),
    "comprehension": ("eval", "sum(s for s in scores if s % 2 == 0)"),
    "script task (2 lines)": ("exec", 'reviewed = True\nreview_note = "reviewed " + family_ref'),
}


def _runner(environment: Any, mode: str, source: str) -> Callable[[], Any]:
    if mode == "eval":
        return lambda: environment.evaluate(source, dict(DATA))
    return lambda: environment.execute(source, copy.copy(DATA))


def uncached_compile(source: str, mode: str) -> Any:
    return compile_script.__wrapped__(source, mode)


def run_sandbox(loops: int) -> Outcome:
    from workflows.rules import RULE_FUNCTIONS

    outcome = Outcome("sandbox")
    sandboxed = SandboxedEnvironment(RULE_FUNCTIONS)
    plain = TaskDataEnvironment(dict(RULE_FUNCTIONS))
    for label, (mode, source) in EXPRESSIONS.items():
        ours, theirs = _runner(sandboxed, mode, source), _runner(plain, mode, source)
        assert ours() == theirs(), f"the sandbox and SpiffWorkflow disagree on {source!r}"
        ours_s, theirs_s = per_call_s(loops, ours), per_call_s(loops, theirs)
        outcome.add(f"{label}: sandbox", ours_s * 1e6, "us")
        outcome.add(f"{label}: sandbox / plain", ours_s / theirs_s, "x", "(reference)")
        # The sandbox caches compiled code per (source, mode); a new expression pays this once per process.
        compile_s = per_call_s(max(1, loops // 20), lambda: uncached_compile(source, mode))  # noqa: B023
        outcome.add(f"{label}: restricted compile, uncached", compile_s * 1e6, "us")
        outcome.details[label] = {"source": source, "mode": mode, "sandbox_us": round(ours_s * 1e6, 3),
                                  "plain_us": round(theirs_s * 1e6, 3), "ratio": round(ours_s / theirs_s, 3),
                                  "restricted_compile_uncached_us": round(compile_s * 1e6, 3)}
    return outcome
