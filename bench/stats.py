"""Timing helpers and the figures a benchmark reports."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Figure:
    """One reported number: what it is, its value and unit, and the target it is held to (if any)."""

    name: str
    value: float
    unit: str
    target: str = ""
    met: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": round(self.value, 4), "unit": self.unit, "target": self.target,
                "met": self.met}


@dataclass
class Outcome:
    """What one benchmark produced: its figures, plus details kept only in the JSON."""

    name: str
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None
    seconds: float = 0.0

    def add(self, name: str, value: float, unit: str, target: str = "", met: bool | None = None) -> Figure:
        figure = Figure(name, value, unit, target, met)
        self.figures.append(figure)
        return figure

    def as_dict(self) -> dict[str, Any]:
        return {"figures": [f.as_dict() for f in self.figures], "details": self.details, "skipped": self.skipped,
                "seconds": round(self.seconds, 1)}


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation between closest ranks."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(samples_s: list[float]) -> dict[str, float]:
    """p50/p95/p99/mean/min/max in milliseconds of samples taken in seconds."""
    ms = [s * 1000 for s in samples_s]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 4),
        "p95_ms": round(percentile(ms, 95), 4),
        "p99_ms": round(percentile(ms, 99), 4),
        "mean_ms": round(statistics.fmean(ms), 4) if ms else float("nan"),
        "min_ms": round(min(ms), 4) if ms else float("nan"),
        "max_ms": round(max(ms), 4) if ms else float("nan"),
    }


def time_each(calls: int, call: Callable[[int], Any]) -> list[float]:
    """Call ``call(i)`` for i in range(calls); the wall time of each call in seconds."""
    samples: list[float] = []
    clock = time.perf_counter
    for i in range(calls):
        started = clock()
        call(i)
        samples.append(clock() - started)
    return samples


def per_call_s(loops: int, call: Callable[[], Any], repeat: int = 5) -> float:
    """The best of ``repeat`` runs of ``loops`` calls, per call in seconds (timeit's convention)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(loops):
            call()
        best = min(best, (time.perf_counter() - started) / loops)
    return best
