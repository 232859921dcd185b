"""Generated streams of negative-mention times for the spike watch: rhythm, rise, burst (seeded)."""

from __future__ import annotations

import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from monitor.spike import SpikeRule, history_buckets, scan

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # a Monday
Rate = Callable[[datetime], float]  # expected mentions per hour at a time


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson sample (Knuth's method; the rates here are small)."""
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def daily_rhythm(base: float, weekend: float = 1.0) -> Rate:
    """Quiet nights, a busy afternoon: `base` per hour on average over a weekday; Saturdays and
    Sundays run at `weekend` times that."""

    def rate(at: datetime) -> float:
        hour = at.hour + at.minute / 60
        day = weekend if at.weekday() >= 5 else 1.0
        return base * day * (1 + 0.8 * math.sin(2 * math.pi * (hour - 9) / 24))

    return rate


def with_burst(rate: Rate, start: datetime, hours: float, per_hour: float) -> Rate:
    """`rate`, raised to at least `per_hour` for `hours` from `start`."""

    def burst(at: datetime) -> float:
        inside = start <= at < start + timedelta(hours=hours)
        return max(rate(at), per_hour) if inside else rate(at)

    return burst


def with_surge(rate: Rate, start: datetime, hours: float, factor: float) -> Rate:
    """`rate` times `factor` for `hours` from `start`: every bucket inside holds `factor` times
    its expected count (the burst of the spike goal)."""

    def surge(at: datetime) -> float:
        inside = start <= at < start + timedelta(hours=hours)
        return rate(at) * factor if inside else rate(at)

    return surge


def with_rise(rate: Rate, start: datetime, per_day: float) -> Rate:
    """`rate`, growing steadily by `per_day` (0.2 = +20% a day) from `start`."""

    def rise(at: datetime) -> float:
        days = max((at - start).total_seconds() / 86400, 0.0)
        return rate(at) * (1 + per_day * days)

    return rise


def generate(rate: Rate, days: float, seed: int, start: datetime = START) -> list[datetime]:
    """Mention times over `days`, drawn per 10-minute slice from the rate (sorted)."""
    rng = random.Random(seed)
    times: list[datetime] = []
    step = timedelta(minutes=10)
    at = start
    end = start + timedelta(days=days)
    while at < end:
        for _ in range(poisson(rng, rate(at) / 6)):
            times.append(at + step * rng.random())
        at += step
    return sorted(times)


def alarms(
    times: list[datetime],
    first_check: datetime,
    last_check: datetime,
    every: timedelta = timedelta(minutes=10),
    bucket: timedelta = timedelta(hours=1),
    rule: SpikeRule | None = None,
) -> list[datetime]:
    """The check times, every `every`, at which the spike scan fires (as the job checks);
    `times` sorted, as `generate` returns them."""
    fired: list[datetime] = []
    at = first_check
    reach = bucket * history_buckets(bucket)
    # Only the times a check can see (the job's query does the same), for speed.
    lo, hi = bisect_left(times, first_check - reach), bisect_right(times, last_check)
    seen = times[lo:hi]
    while at <= last_check:
        window = seen[bisect_left(seen, at - reach) : bisect_right(seen, at)]
        if scan(window, at, bucket, rule).spike:
            fired.append(at)
        at += every
    return fired
