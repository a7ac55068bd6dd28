"""The conformance table in engine/README.md, generated from the suite: one row per test, the element
read from the test's name, "runs" or "refused at deploy" (a test named so).

Regenerate with ``.venv/bin/python -m tests.engine.conformance.table``; test_table.py fails when the
README is out of step.
"""

from __future__ import annotations

import ast
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
README = ROOT / "engine" / "README.md"
SOURCES = [*sorted(HERE.glob("test_*_elements.py")), ROOT / "tests" / "api" / "test_deploy_problems.py"]
START, END = "<!-- conformance table: generated, do not edit -->", "<!-- end of conformance table -->"


def rows() -> list[tuple[str, str, str]]:
    found = []
    for source in SOURCES:
        for node in ast.parse(source.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
                continue
            refused = "refused" in node.name
            if source.name == "test_deploy_problems.py" and not refused:
                continue
            outcome = "refused at deploy" if refused else "runs"
            element = node.name.removeprefix("test_").replace("_", " ")
            found.append((element, outcome, f"{source.relative_to(ROOT)}::{node.name}"))
    return found


def table() -> str:
    lines = ["| element and variant (the test's name) | on this engine | test |", "|---|---|---|"]
    lines += [f"| {element} | {outcome} | `{test}` |" for element, outcome, test in rows()]
    return "\n".join([START, *lines, END])


def write() -> None:
    text = README.read_text()
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    README.write_text(before + table() + after)


if __name__ == "__main__":
    write()
