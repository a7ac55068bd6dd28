"""Two code versions' benchmark runs side by side: the median of each figure over its runs, and the ratio.

    python -m bench.compare --before b1.json b2.json b3.json --after a1.json a2.json a3.json

Each file is a ``python -m bench --output`` results file. Take the runs one after the other on the same
machine (alternating before and after, so that a change in the machine's load hits both sides alike).
Only figures in milliseconds are compared; a ratio above 1 means the after version is slower.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path


def figures(path: Path) -> dict[str, float]:
    """``benchmark: figure`` -> value, for every millisecond figure of one results file."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return {
        f"{name}: {figure['name']}": float(figure["value"])
        for name, outcome in document["benchmarks"].items()
        for figure in outcome.get("figures", [])
        if figure.get("unit") == "ms"
    }


def medians(paths: list[Path]) -> dict[str, float]:
    runs = [figures(path) for path in paths]
    shared = set.intersection(*(set(run) for run in runs)) if runs else set()
    return {key: statistics.median(run[key] for run in runs) for key in shared}


def comparison(before: list[Path], after: list[Path]) -> list[tuple[str, float, float, float]]:
    """(figure, median before, median after, after / before) for every figure both sides measured."""
    old, new = medians(before), medians(after)
    return [(key, old[key], new[key], new[key] / old[key] if old[key] else float("nan"))
            for key in sorted(old.keys() & new.keys())]


def markdown(rows: list[tuple[str, float, float, float]], runs: int) -> str:
    lines = [f"| figure | before (median of {runs}) | after (median of {runs}) | after / before |",
             "|---|---:|---:|---:|"]
    lines += [f"| {key} | {old:.2f} ms | {new:.2f} ms | {ratio:.2f} |" for key, old, new, ratio in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, nargs="+", required=True)
    parser.add_argument("--after", type=Path, nargs="+", required=True)
    options = parser.parse_args(argv)
    print(markdown(comparison(options.before, options.after), min(len(options.before), len(options.after))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
