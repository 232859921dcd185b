"""The one retry back-off: doubling from a base up to a cap, jittered in the upper half."""

from __future__ import annotations

import random

import pytest

from monitor.retry import backoff_seconds


@pytest.mark.parametrize(
    ("attempt", "base", "cap", "ceiling"),
    [
        (0, 5.0, 3600.0, 5.0),  # no failure yet counts as the first
        (1, 5.0, 3600.0, 5.0),
        (3, 5.0, 3600.0, 20.0),
        (20, 5.0, 3600.0, 3600.0),
        (1, 30.0, 3600.0, 30.0),  # the outbox's numbers
        (4, 30.0, 3600.0, 240.0),
        (9, 30.0, 3600.0, 3600.0),
    ],
)
def test_the_wait_lies_in_the_upper_half_of_its_ceiling(
    attempt: int, base: float, cap: float, ceiling: float
) -> None:
    rng = random.Random(3)
    waits = [backoff_seconds(attempt, base, cap, rng) for _ in range(50)]
    assert all(ceiling / 2 <= w <= ceiling for w in waits) and len(set(waits)) > 1


def test_the_same_generator_gives_the_same_waits() -> None:
    first = [backoff_seconds(n, 30.0, 3600.0, random.Random(1)) for n in range(1, 8)]
    again = [backoff_seconds(n, 30.0, 3600.0, random.Random(1)) for n in range(1, 8)]
    assert first == again
