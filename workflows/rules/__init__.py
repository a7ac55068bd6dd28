"""Pure rule functions for BPMN scripts: JSON-safe values in and out, no I/O beyond the bundled data.

``RULE_FUNCTIONS`` is the whole list a script may call; the engine's script environment exposes these
names and nothing else from workflows/.
"""

from collections.abc import Callable
from typing import Any

from workflows.rules.audit import draw_audit_sample, redraw_audit_sample
from workflows.rules.claim_windows import next_claim_window
from workflows.rules.eligibility import eligibility, indicator_applies
from workflows.rules.sustainment import sustained_at, window_end
from workflows.rules.working_days import due_in_working_days

RULE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "eligibility": eligibility,
    "indicator_applies": indicator_applies,
    "sustained_at": sustained_at,
    "window_end": window_end,
    "due_in_working_days": due_in_working_days,
    "next_claim_window": next_claim_window,
    "draw_audit_sample": draw_audit_sample,
    "redraw_audit_sample": redraw_audit_sample,
}

__all__ = [
    "RULE_FUNCTIONS",
    "draw_audit_sample",
    "due_in_working_days",
    "eligibility",
    "indicator_applies",
    "next_claim_window",
    "redraw_audit_sample",
    "sustained_at",
    "window_end",
]
