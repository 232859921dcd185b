"""Detection delay and false alarms of the spike watch on generated streams, per scenario.

  .venv/bin/python bench/spike_detection.py [--seeds 20] [--base 3.0] [--weekend 0.6]

Streams are Poisson (tests/fakes/spike_streams.py): `--base` negative mentions an hour on an
average weekday, a daily rhythm (0.6/h at 3 am to 5.4/h at 3 pm for base 3), weekends at
`--weekend` times a weekday. Each checked week follows a week of history, checked every 10
minutes on a rolling 1-hour bucket with the default rule (alpha 1e-4, min_count 5, 3x).

Scenarios: quiet baseline (flat 0.5/h), a week of ordinary rhythm, a steady rise (+10% a day):
alarms are false alarms. Sudden burst: from a given hour, every bucket for 3 hours holds 5x its
expected count (the rate times 5); the delay is minutes from the burst's start to the first
alarm, "within one bucket" means at most 60. Power is P(Poisson(5 lambda) >= the smallest count
the rule flags) at the one-bucket mark: what any test at this alpha could do. Single viral post:
minutes from posting to the first engagement refresh (every 15 min) above 500 engagements an hour.

Goals: a 5x burst flagged within one bucket; no alarm on a week of ordinary rhythm.
The last line is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.spike import (  # noqa: E402
    SpikeRule,
    engagement_velocity,
    expected_count,
    smallest_alarm,
)
from tests.fakes.spike_streams import (  # noqa: E402
    START,
    Rate,
    alarms,
    daily_rhythm,
    generate,
    with_rise,
    with_surge,
)

WEEK_ONE = START + timedelta(days=7)
HOURS = (0, 3, 6, 9, 12, 15, 18, 21)
RULE = SpikeRule()
# How many buckets the expected count rests on once a full week of history exists.
FULL_HISTORY_SAMPLES = expected_count([1] * 168, timedelta(hours=1), RULE).samples


def false_alarms(rate: Rate, seeds: int) -> list[int]:
    """Alarms per generated week."""
    found = []
    for seed in range(seeds):
        times = generate(rate, days=14, seed=1000 + seed)
        found.append(len(alarms(times, WEEK_ONE, WEEK_ONE + timedelta(days=7))))
    return found


def bucket_mean(rate: Rate, end: datetime) -> float:
    """The expected count of the 1-hour bucket ending at `end` (as the generator draws it)."""
    return sum(rate(end - timedelta(minutes=10 * i)) for i in range(1, 7)) / 6


def power(expected: float) -> tuple[int, float]:
    """The smallest count flagged at `expected`, and P(Poisson(5 expected) reaches it)."""
    need = smallest_alarm(expected, FULL_HISTORY_SAMPLES, RULE)
    lam = 5 * expected
    below = sum(math.exp(k * math.log(lam) - lam - math.lgamma(k + 1)) for k in range(need))
    return need, 1 - below


def bursts(rate: Rate, seeds: int) -> dict[int, list[float | None]]:
    """Minutes to the first alarm per burst hour (None: nothing within the 3 hours)."""
    out: dict[int, list[float | None]] = {}
    for hour in HOURS:
        out[hour] = []
        for seed in range(seeds):
            start = WEEK_ONE + timedelta(days=3, hours=hour)  # a Thursday
            times = generate(with_surge(rate, start, 3, 5.0), days=14, seed=seed * 100 + hour)
            fired = [t for t in alarms(times, start, start + timedelta(hours=3)) if t > start]
            out[hour].append((fired[0] - start).total_seconds() / 60 if fired else None)
    return out


def viral(seeds: int) -> tuple[dict[str, float | None], int, int]:
    """Delays of a few viral shapes, and false alarms among ordinary posts."""
    refresh = timedelta(minutes=15)
    threshold = 500.0

    def first_flag(total: float, tau_hours: float) -> float | None:
        posted = WEEK_ONE
        for i in range(1, 4 * 48 + 1):  # refreshes over two days
            now = posted + refresh * i
            hours = i * refresh.total_seconds() / 3600
            engagement = int(total * (1 - math.exp(-hours / tau_hours)))
            if engagement_velocity(engagement, posted, now) > threshold:
                return i * 15.0
        return None

    shapes = {
        "20k over ~3 h": first_flag(20_000, 3),
        "5k over ~3 h": first_flag(5_000, 3),
        "3k over ~12 h": first_flag(3_000, 12),
    }
    rng = random.Random(7)
    ordinary = seeds * 500
    flagged = 0
    for _ in range(ordinary):  # median 20 engagements, 1 in 1000 above ~800
        if first_flag(rng.lognormvariate(math.log(20), 1.2), rng.uniform(2, 24)) is not None:
            flagged += 1
    return shapes, flagged, ordinary


def row(values: list[float | None]) -> tuple[str, int, int]:
    """Median / max of the hits, hits within one bucket, misses."""
    hits = [v for v in values if v is not None]
    med = f"{statistics.median(hits):4.0f}" if hits else "   -"
    worst = f"{max(hits):4.0f}" if hits else "   -"
    return f"{med} / {worst}", sum(1 for v in hits if v <= 60), len(values) - len(hits)


def main() -> None:
    """Run every scenario and print tables and a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--base", type=float, default=3.0, help="negatives an hour, weekday")
    parser.add_argument("--weekend", type=float, default=0.6, help="weekend volume factor")
    args = parser.parse_args()
    rhythm = daily_rhythm(args.base, args.weekend)
    summary: dict[str, object] = {"weeks": args.seeds, "base": args.base}
    scenarios: dict[str, Callable[[datetime], float]] = {
        "quiet baseline (0.5/h)": lambda _at: 0.5,
        "ordinary rhythm": rhythm,
        "steady rise (+10%/day)": with_rise(rhythm, WEEK_ONE, per_day=0.1),
    }
    print(f"false alarms over {args.seeds} weeks each (checks every 10 min):")
    for name, rate in scenarios.items():
        fa = false_alarms(rate, args.seeds)
        print(f"  {name:24s} {sum(fa):3d}  weeks with an alarm: {sum(1 for f in fa if f)}")
        summary[f"false_alarms {name}"] = sum(fa)

    table = bursts(rhythm, args.seeds)
    print("\nsudden burst, 5x the expected count of each bucket, by hour of day (Thursday):")
    print("  hour   expected  5x   needs  power@60  delay med / max  within 60  missed")
    within = total = within_reach = total_reach = 0
    for hour, values in table.items():
        expected = bucket_mean(rhythm, WEEK_ONE + timedelta(days=3, hours=hour + 1))
        need, chance = power(expected)
        delay, hits, missed = row(values)
        within, total = within + hits, total + len(values)
        if 5 * expected >= RULE.min_count:
            within_reach, total_reach = within_reach + hits, total_reach + len(values)
        print(
            f"  {hour:02d}:00  {expected:8.1f}  {5 * expected:4.1f}  {need:5d}  {chance:8.2f}"
            f"  {delay:>15s}  {hits:6d}/{len(values)}  {missed:6d}"
        )
    print(f"  within one bucket, all bursts: {within}/{total}")
    reach = f"{within_reach}/{total_reach}"
    print(f"  within one bucket, bursts whose 5x count reaches min_count: {reach}")
    summary["within_one_bucket"] = round(within / total, 3)
    summary["within_one_bucket_reaching_min_count"] = round(within_reach / max(total_reach, 1), 3)

    shapes, flagged, ordinary = viral(args.seeds)
    print("\nsingle viral post (engagement refreshed every 15 min, threshold 500/h):")
    for name, delay_min in shapes.items():
        print(f"  {name:16s} flagged after {delay_min if delay_min is not None else '-'} min")
    print(f"  ordinary posts flagged: {flagged}/{ordinary}")
    summary["viral_delay_min"] = shapes
    summary["viral_false_alarms"] = flagged
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
