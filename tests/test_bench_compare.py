"""bench.compare: medians per side and the after/before ratio, from results files."""

from __future__ import annotations

import json
from pathlib import Path

from bench.compare import comparison, markdown


def results(tmp_path: Path, name: str, p50_ms: float, statements: float = 13) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"benchmarks": {"completion": {"figures": [
        {"name": "sqlite: completion p50", "value": p50_ms, "unit": "ms"},
        {"name": "sqlite: SQL statements per completion", "value": statements, "unit": ""},
    ]}}}), encoding="utf-8")
    return path


def test_the_medians_of_each_side_are_compared_and_only_millisecond_figures_count(tmp_path: Path) -> None:
    before = [results(tmp_path, f"b{i}", ms) for i, ms in enumerate((4.0, 9.0, 5.0))]
    after = [results(tmp_path, f"a{i}", ms, statements=99) for i, ms in enumerate((5.5, 1.0, 6.0))]
    assert comparison(before, after) == [("completion: sqlite: completion p50", 5.0, 5.5, 1.1)]
    assert "| completion: sqlite: completion p50 | 5.00 ms | 5.50 ms | 1.10 |" in markdown(
        comparison(before, after), runs=3)
