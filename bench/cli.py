"""``python -m bench``: run the benchmarks, print a table, write bench/results/latest.json.

    python -m bench                      # everything, full size (a few minutes)
    python -m bench --quick              # everything, small sizes (about a minute), to quick.json
    python -m bench --only inbox --only sandbox
    python -m bench --backend sqlite     # only what runs on SQLite
    python -m bench --markdown bench/results/latest.json   # the figures as a Markdown table

PostgreSQL: the separate database ``bench`` on postgresql+psycopg://postgres@127.0.0.1:5432 (created
when missing; override with BENCH_DATABASE_URL). Its schema is dropped and rebuilt by each benchmark.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import report
from bench.completion import Sizes, run_completion, run_throughput
from bench.db import BACKENDS, pg_url, postgres_available
from bench.journey import run_journeys
from bench.machine import machine_info
from bench.sandbox import run_sandbox
from bench.scale import ScaleSizes
from bench.stats import Outcome
from bench.timers import FireSizes, run_fire_rate, run_lateness

NAMES = ("completion", "throughput", "journey", "sandbox", "timer_fire", "timer_lateness", "inbox", "sweep_idle",
         "definitions_pages")
POSTGRES_ONLY = ("inbox", "sweep_idle")


@dataclass(frozen=True)
class Plan:
    completion: Sizes
    scale: ScaleSizes
    scale_calls: int
    fire: FireSizes
    lateness_instances: int
    lateness_timeout_s: float
    sandbox_loops: int
    journeys: int = 200
    definitions_instances: int = 400_000  # live instances behind the definitions pages
    page_calls: int = 20


FULL = Plan(Sizes(completions=1000, warmup=100, throughput=1000), ScaleSizes(1_000_000, 100_000, 1_000_000), 300,
            FireSizes(due=10_000, budget_s=90), 200, 60, 20_000)
QUICK = Plan(Sizes(completions=200, warmup=30, throughput=200), ScaleSizes(100_000, 10_000, 100_000), 100,
             FireSizes(due=400, budget_s=10), 30, 25, 2_000, 30, 40_000, 10)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes: about a minute in all")
    parser.add_argument("--only", action="append", choices=NAMES, metavar="NAME",
                        help=f"run only this benchmark (repeatable): {', '.join(NAMES)}")
    parser.add_argument("--backend", choices=BACKENDS, action="append",
                        help="run on this backend only (repeatable; default both)")
    parser.add_argument("--markdown", type=Path, metavar="JSON",
                        help="print the figures of a results file as a Markdown table, and run nothing")
    parser.add_argument("--output", type=Path, help="the JSON file (default bench/results/latest.json, "
                        "or quick.json with --quick)")
    return parser.parse_args(argv)


def _runners(plan: Plan, backends: list[str]) -> dict[str, Callable[[], list[Outcome]]]:
    """What each benchmark name runs, on the backends it supports (PostgreSQL first when chosen)."""
    timer_backend = "postgres" if "postgres" in backends else "sqlite"
    return {
        "completion": lambda: [run_completion(backends, plan.completion)],
        "throughput": lambda: [run_throughput(backends, plan.completion)],
        "journey": lambda: [run_journeys(backends, plan.journeys)],
        "sandbox": lambda: [run_sandbox(plan.sandbox_loops)],
        "timer_fire": lambda: [run_fire_rate(timer_backend, plan.fire)],
        "timer_lateness": lambda: [run_lateness(timer_backend, plan.lateness_instances, plan.lateness_timeout_s)],
        "definitions_pages": lambda: [_definitions_pages(backends, plan)],
    }


def _definitions_pages(backends: list[str], plan: Plan) -> Outcome:
    from bench.definitions_pages import run_definitions_pages  # imports the whole web app: only when run

    return run_definitions_pages(backends, plan.definitions_instances, plan.page_calls)


def _run(name: str, runner: Callable[[], list[Outcome]]) -> list[Outcome]:
    """Run one benchmark; a failure is reported in the table and the JSON, and the others still run."""
    print(f"running {name} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        outcomes = runner()
    except Exception as error:  # one broken benchmark must not lose the others' figures
        traceback.print_exc()
        return [Outcome(name, skipped=f"failed: {type(error).__name__}: {error}"[:200],
                        seconds=time.perf_counter() - started)]
    for outcome in outcomes:
        outcome.seconds = time.perf_counter() - started
    return outcomes


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    if args.markdown:
        print(report.markdown(json.loads(args.markdown.read_text())))
        return 0
    logging.basicConfig(level=logging.WARNING)
    plan = QUICK if args.quick else FULL
    names = [n for n in NAMES if not args.only or n in args.only]
    backends = [b for b in BACKENDS if not args.backend or b in args.backend]
    why_not_pg = postgres_available() if "postgres" in backends else "not selected (--backend)"
    if why_not_pg and "postgres" in backends:
        print(f"note: {why_not_pg}; PostgreSQL benchmarks skipped", file=sys.stderr)
        backends.remove("postgres")
    outcomes: list[Outcome] = []
    began = time.perf_counter()
    generated_at = datetime.now(UTC).isoformat(timespec="seconds")
    runners = _runners(plan, backends)
    for name in names:
        if name in POSTGRES_ONLY:
            continue
        if not backends and name != "sandbox":
            outcomes.append(Outcome(name, skipped="no backend available"))
            continue
        outcomes.extend(_run(name, runners[name]))
    scale_names = {n for n in names if n in POSTGRES_ONLY}
    if scale_names and "postgres" not in backends:
        outcomes.extend(Outcome(n, skipped=f"needs PostgreSQL ({why_not_pg})") for n in sorted(scale_names))
    elif scale_names:
        from bench.scale_bench import run_scale

        label = ", ".join(sorted(scale_names))
        outcomes.extend(_run(label, lambda: run_scale(scale_names, plan.scale, plan.scale_calls)))
    seconds = time.perf_counter() - began
    print(report.table(outcomes))
    output = args.output or report.RESULTS / ("quick.json" if args.quick else "latest.json")
    options = {"argv": argv, "quick": args.quick, "only": names, "backends": backends, "plan": repr(plan)}
    report.write_json(output, machine_info(pg_url() if "postgres" in backends else None), options, outcomes,
                      generated_at, seconds)
    print(f"\n{len(outcomes)} benchmarks in {seconds:.0f} s; wrote {output}")
    return 1 if any((o.skipped or "").startswith("failed") for o in outcomes) else 0
