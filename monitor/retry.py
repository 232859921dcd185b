"""Retry back-off: exponential with jitter, one rule for failed polls and failed outbox sends."""

from __future__ import annotations

import random


def backoff_seconds(
    attempt: int, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Seconds to wait after the `attempt`-th failure in a row: uniform in [ceiling/2, ceiling].

    The ceiling doubles from `base` with each attempt up to `cap`; the jitter keeps workers that
    failed together from retrying together.
    """
    rng = rng or random.Random()
    ceiling = min(cap, base * 2 ** max(attempt - 1, 0))
    return rng.uniform(ceiling / 2, ceiling)
