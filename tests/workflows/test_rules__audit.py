"""The Stage 2 audit sample: exactly ceil(25%), sorted, recorded, and re-drawable by anyone."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.rules import draw_audit_sample, redraw_audit_sample

REPO = Path(__file__).resolve().parents[2]
POOLS = st.lists(st.from_regex(r"F-20[2-3][0-9]-[0-9]{6}", fullmatch=True), unique=True, max_size=60)


@pytest.mark.parametrize(
    ("pool_size", "picks"),
    [(0, 0), (1, 1), (3, 1), (4, 1), (5, 2), (8, 2), (9, 3), (100, 25), (101, 26)],
)
def test_the_sample_is_ceil_of_a_quarter(pool_size: int, picks: int) -> None:
    drawn = draw_audit_sample([f"F-2027-{i:06d}" for i in range(pool_size)])
    assert len(drawn["picks"]) == picks  # type: ignore[arg-type]


@given(pool=POOLS)
def test_draw_records_seed_sorted_pool_and_sorted_picks_that_anyone_can_redraw(pool: list[str]) -> None:
    drawn = draw_audit_sample(pool)
    seed, recorded_pool, picks = drawn["seed"], drawn["pool"], drawn["picks"]
    assert isinstance(seed, str) and re.fullmatch(r"[0-9a-f]{32}", seed)
    assert recorded_pool == sorted(pool)
    assert isinstance(picks, list)
    assert picks == sorted(picks) and set(picks) <= set(pool)
    assert len(picks) == (len(pool) + 3) // 4  # ceil(n / 4) in integers
    assert redraw_audit_sample(list(reversed(pool)), seed) == picks  # the pool's order does not matter
    # The documented recipe, written out: random.Random(seed) sampling the sorted pool.
    assert sorted(random.Random(seed).sample(sorted(pool), len(picks))) == picks
    assert json.loads(json.dumps(drawn)) == drawn


def test_each_draw_has_a_fresh_seed() -> None:
    pool = [f"F-2027-{i:06d}" for i in range(40)]
    seeds = {draw_audit_sample(pool)["seed"] for _ in range(5)}
    assert len(seeds) == 5


def test_other_fractions_are_exact_not_floating_point() -> None:
    pool = [f"F-2027-{i:06d}" for i in range(30)]
    seed = "0" * 32
    assert len(redraw_audit_sample(pool, seed, fraction=0.1)) == 3  # 0.1 * 30 in floats is 3.0000000000000004
    assert len(redraw_audit_sample(pool, seed, fraction=0.5)) == 15
    assert redraw_audit_sample(pool, seed, fraction=0) == []
    assert redraw_audit_sample(pool, seed, fraction=1) == sorted(pool)


_REDRAW = (
    "import json, sys; from workflows.rules import redraw_audit_sample; "
    "print(json.dumps(redraw_audit_sample(json.loads(sys.argv[1]), sys.argv[2])))"
)


def test_redraw_is_the_same_in_fresh_interpreters_with_different_hash_seeds() -> None:
    pool = [f"F-2027-{i:06d}" for i in range(50)]
    seed = "3f2a9c1e5b7d4f60a1b2c3d4e5f60718"
    results = []
    for hash_seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [sys.executable, "-c", _REDRAW, json.dumps(pool), seed],
            env=env, cwd=REPO, capture_output=True, text=True, check=True,
        )
        results.append(json.loads(done.stdout))
    assert results[0] == results[1] == results[2] == redraw_audit_sample(pool, seed)
    assert len(results[0]) == 13


@pytest.mark.parametrize(
    ("pool", "seed", "fraction", "message"),
    [
        (["F-1", "F-2", "F-1"], "0" * 32, 0.25, "more than once: F-1"),
        (["F-1", ""], "0" * 32, 0.25, "non-empty family references"),
        (["F-1"], "not-a-seed", 0.25, "seed must be the recorded lower-case hex string"),
        (["F-1"], "abc123", 0.25, "seed must be"),
        (["F-1"], "0" * 32, 1.5, "fraction must be a number from 0 to 1"),
        (["F-1"], "0" * 32, -0.1, "fraction must be"),
    ],
)
def test_audit_sample_refusals(pool: list[str], seed: str, fraction: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        redraw_audit_sample(pool, seed, fraction)


def test_draw_refuses_a_pool_with_a_family_twice() -> None:
    with pytest.raises(ValueError, match="more than once: F-2"):
        draw_audit_sample(["F-2", "F-1", "F-2"])
