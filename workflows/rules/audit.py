"""The Stage 2 audit sample: a reproducible, unpredictable random selection of a claim window's pool.

The sample is exactly ceil(fraction x pool size) families (docs/sources/DOMAIN.md: ceil(25%)), drawn with a fresh
seed from ``secrets``. The record keeps the seed, the sorted pool and the sorted picks, so anyone can
re-draw it: ``random.Random(seed).sample(sorted(pool), k)``. Seeding ``random.Random`` with a str
hashes it with SHA-512 (seed version 2), independent of PYTHONHASHSEED, so the re-draw gives the same
picks on any CPython 3 run. Nobody can predict a sample before the seed is drawn.
"""

from __future__ import annotations

import math
import random
import re
import secrets
from fractions import Fraction

_SEED = re.compile(r"^[0-9a-f]{32,}$")


def sample_size(pool_size: int, fraction: float = 0.25) -> int:
    """ceil(fraction x pool_size), computed exactly (0.1 x 30 is 3, not 4 as floats would have it)."""
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 <= fraction <= 1:
        raise ValueError(f"fraction must be a number from 0 to 1, not {fraction!r}")
    # Fraction(str(x)) is the decimal the caller wrote, not the binary float nearest to it.
    return math.ceil(Fraction(str(fraction)) * pool_size)


def _sorted_pool(pool: list[str]) -> list[str]:
    if not all(isinstance(item, str) and item for item in pool):
        raise ValueError("the pool must be a list of non-empty family references")
    ordered = sorted(pool)
    repeated = sorted({a for a, b in zip(ordered, ordered[1:], strict=False) if a == b})
    if repeated:
        raise ValueError(f"the pool lists a family more than once: {', '.join(repeated)}")
    return ordered


def redraw_audit_sample(pool: list[str], seed: str, fraction: float = 0.25) -> list[str]:
    """The sorted picks that ``seed`` selects from ``pool``: reproduces ``draw_audit_sample``."""
    if not isinstance(seed, str) or not _SEED.match(seed):
        raise ValueError(f"seed must be the recorded lower-case hex string (32+ digits), not {seed!r}")
    ordered = _sorted_pool(pool)
    return sorted(random.Random(seed).sample(ordered, sample_size(len(ordered), fraction)))


def draw_audit_sample(pool: list[str], fraction: float = 0.25) -> dict[str, object]:
    """Draw a fresh sample: ``{"seed", "pool": sorted pool, "picks": sorted picks}``."""
    seed = secrets.token_hex(16)
    return {"seed": seed, "pool": _sorted_pool(pool), "picks": redraw_audit_sample(pool, seed, fraction)}
