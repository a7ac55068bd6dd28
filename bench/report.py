"""The printed table and bench/results/latest.json."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from bench.stats import Outcome

RESULTS = Path(__file__).resolve().parent / "results"


def _value(value: float, unit: str) -> str:
    if math.isnan(value):
        return "n/a"
    if unit in ("", "/s") and float(value).is_integer() and abs(value) >= 1:
        text = f"{int(value):,}"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(outcomes: list[Outcome]) -> str:
    rows: list[tuple[str, str, str, str, str]] = [("benchmark", "figure", "value", "target", "met")]
    for outcome in outcomes:
        if outcome.skipped:
            rows.append((outcome.name, f"skipped: {outcome.skipped}", "", "", ""))
            continue
        for figure in outcome.figures:
            met = "" if figure.met is None else ("yes" if figure.met else "NO")
            rows.append((outcome.name, figure.name, _value(figure.value, figure.unit), figure.target, met))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(widths[i]) if i != 2 else cell.rjust(widths[i]) for i, cell in enumerate(row))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def write_json(path: Path, machine: dict[str, Any], options: dict[str, Any], outcomes: list[Outcome],
               generated_at: str, seconds: float) -> None:
    document = {
        "generated_at": generated_at,
        "command": "python -m bench " + " ".join(options.get("argv", [])),
        "total_seconds": round(seconds, 1),
        "machine": machine,
        "options": {k: v for k, v in options.items() if k != "argv"},
        "benchmarks": {outcome.name: outcome.as_dict() for outcome in outcomes},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")


def markdown(document: dict[str, Any]) -> str:
    """The figures of a results file as a Markdown table (for docs/performance.md)."""
    lines = ["| benchmark | figure | value | target | met |", "|---|---|---:|---|---|"]
    for name, result in document["benchmarks"].items():
        if result.get("skipped"):
            lines.append(f"| {name} | skipped: {result['skipped']} | | | |")
        for figure in result["figures"]:
            met = {None: "", True: "yes", False: "**no**"}[figure["met"]]
            value = _value(float(figure["value"]), figure["unit"])
            lines.append(f"| {name} | {figure['name']} | {value} | {figure['target']} | {met} |")
    return "\n".join(lines)
