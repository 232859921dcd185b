"""Channel health: back-off, Retry-After, permanent failures, monthly spending."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from monitor.health import (
    PERMANENT_RETRY_SECONDS,
    backoff_seconds,
    budget_refusal,
    failure_retry_after,
    month_key,
    spent_this_month,
    start_of_next_month,
)


@pytest.mark.parametrize("failures", [1, 2, 5, 20])
def test_backoff_is_jittered_within_its_ceiling_and_honours_retry_after(failures: int) -> None:
    rng = random.Random(7)
    waits = [backoff_seconds(failures, rng=rng) for _ in range(50)]
    ceiling = min(3600.0, 5.0 * 2 ** (failures - 1))
    assert all(ceiling / 2 <= w <= ceiling for w in waits) and len(set(waits)) > 1
    assert backoff_seconds(failures, retry_after=7200, rng=rng) >= 7200


@pytest.mark.parametrize(
    ("retry_after", "permanent", "expected"),
    [(None, False, None), (30.0, False, 30.0), (None, True, PERMANENT_RETRY_SECONDS),
     (9000.0, True, 9000.0)],
)  # fmt: skip
def test_permanent_failures_wait_at_least_an_hour(
    retry_after: float | None, permanent: bool, expected: float | None
) -> None:
    assert failure_retry_after(retry_after, permanent) == expected


@pytest.mark.parametrize(
    ("now", "month", "next_month"),
    [(datetime(2026, 5, 31, 23, 59, tzinfo=UTC), "2026-05", datetime(2026, 6, 1, tzinfo=UTC)),
     (datetime(2026, 12, 1, tzinfo=UTC), "2026-12", datetime(2027, 1, 1, tzinfo=UTC))],
)  # fmt: skip
def test_months(now: datetime, month: str, next_month: datetime) -> None:
    assert month_key(now) == month and start_of_next_month(now) == next_month


def test_spending_counts_only_this_month_and_refuses_before_the_cap() -> None:
    now = datetime(2026, 5, 10, tzinfo=UTC)
    assert spent_this_month("2026-04", 900.0, now) == 0.0
    assert budget_refusal("2026-05", 4000.0, 5000.0, 1000.0, now) == ""  # lands exactly on it
    refusal = budget_refusal("2026-05", 4001.0, 5000.0, 1000.0, now)
    assert "$40.01 spent of $50.00 in 2026-05" in refusal and "2026-06-01" in refusal
    assert budget_refusal("2026-04", 4999.0, 5000.0, 1000.0, now) == ""
