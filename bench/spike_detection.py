"""Detection delay and false alarms of the spike watch on generated streams, per scenario.

  .venv/bin/python bench/spike_detection.py [--seeds 20] [--base 3.0] [--weekend 0.6]
                                            [--every 5] [--bucket-only]

Streams are Poisson (tests/fakes/spike_streams.py): `--base` negative mentions an hour on an
average weekday, a daily rhythm (0.6/h at 3 am to 5.4/h at 3 pm for base 3), weekends at
`--weekend` times a weekday. Each checked week follows a week of history and is checked every
`--every` minutes (the worker's spike_interval_seconds: 5 min) with the default rule: a rolling
1-hour bucket plus 15- and 30-minute windows, alpha 1e-4 (80% to the bucket, 10% to each
shorter window), min_count 5, 3x. `--bucket-only` tests the bucket alone (the rule before the
multi-window scan), for comparison.

Scenarios: quiet baseline (flat 0.5/h), a week of ordinary rhythm, a steady rise (+10% a day):
every alarm is a false alarm. Sudden burst, two readings of "5x the brand's baseline":
- 5x its ordinary rate at that hour: for 3 hours from the burst's start, the rate is 5 times the
  rhythm's rate then, so every bucket inside holds 5x the count it ordinarily holds (0.6/h at
  3 am becomes 3/h; 5.4/h at 3 pm becomes 27/h);
- 5x its daily average: the rate is raised to 5 x base (15/h) for 3 hours, whatever the hour.
The delay is minutes from the burst's start to the first alarm after it; "within one bucket"
means an alarm at most 60 minutes after the start (the check when the first whole bucket of
burst is complete counts). Also shown: the smallest count each window needs when the hour's
ordinary count is expected, and stronger bursts (10x, 20x) to show how early the short windows
catch a flood. Single viral post: minutes from posting to the first engagement refresh (every
15 min) above 500 engagements an hour.

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
    with_burst,
    with_rise,
    with_surge,
)

WEEK_ONE = START + timedelta(days=7)
HOURS = (0, 3, 6, 9, 12, 15, 18, 21)
HOUR = timedelta(hours=1)
BURST_HOURS = 3
# How many buckets the expected count rests on once a full week of history exists.
FULL_HISTORY_SAMPLES = expected_count([1] * 168, HOUR, SpikeRule()).samples


class Bench:
    """One run's settings: the rule, the check cadence, the number of seeds."""

    def __init__(self, rule: SpikeRule, every: timedelta, seeds: int):
        self.rule, self.every, self.seeds = rule, every, seeds

    def false_alarms(self, rate: Rate) -> list[tuple[int, int]]:
        """Per generated week: checks that fired, and episodes (alerts: an alarm over a bucket
        after the previous one starts a new episode; the job keeps one incident open meanwhile)."""
        found = []
        for seed in range(self.seeds):
            times = generate(rate, days=14, seed=1000 + seed)
            end = WEEK_ONE + timedelta(days=7)
            fired = alarms(times, WEEK_ONE, end, self.every, rule=self.rule)
            episodes = sum(
                1 for a, b in zip([None, *fired], fired, strict=False) if a is None or b - a > HOUR
            )
            found.append((len(fired), episodes))
        return found

    def delays(self, burst: Callable[[datetime], Rate], hour: int) -> list[float | None]:
        """Minutes from a Thursday burst at `hour` to the first alarm (None: none in it)."""
        out: list[float | None] = []
        start = WEEK_ONE + timedelta(days=3, hours=hour)
        for seed in range(self.seeds):
            times = generate(burst(start), days=14, seed=seed * 100 + hour)
            end = start + timedelta(hours=BURST_HOURS)
            fired = [t for t in alarms(times, start, end, self.every, rule=self.rule) if t > start]
            out.append((fired[0] - start).total_seconds() / 60 if fired else None)
        return out

    def needs(self, expected: float) -> str:
        """The smallest count each window needs when the hour's `expected` count is usual."""
        windows = self.rule.windows(HOUR)
        shares = self.rule.shares(windows, HOUR)
        return "/".join(
            str(
                smallest_alarm(
                    expected * (w / HOUR), FULL_HISTORY_SAMPLES / (w / HOUR), self.rule, shares[w]
                )
            )
            for w in windows
        )


def poisson_at_least(k: int, lam: float) -> float:
    """P(Poisson(lam) >= k)."""
    return 1 - sum(math.exp(i * math.log(lam) - lam - math.lgamma(i + 1)) for i in range(k))


def statistics_limit(bench: Bench) -> dict[str, float]:
    """What 5x within one bucket asks of the counts: the count the bucket needs at each usual
    count, and the chance that a whole bucket of 5x reaches it (the check at 60 min alone)."""
    print("\nwhat a whole bucket of 5x can show (the bucket test at the 60-min check alone):")
    print("  usual/h    5x  bucket needs  (x usual)  P(5x bucket reaches it)")
    share = bench.rule.shares(bench.rule.windows(HOUR), HOUR)[HOUR]
    out = {}
    for usual in (0.6, 1.0, 2.0, 3.0, 4.0, 5.0, 8.0, 12.0, 20.0):
        need = smallest_alarm(usual, FULL_HISTORY_SAMPLES, bench.rule, share)
        chance = poisson_at_least(need, 5 * usual)
        out[f"{usual:g}"] = round(chance, 3)
        print(f"  {usual:7.1f}  {5 * usual:4.0f}  {need:12d}  {need / usual:8.1f}x  {chance:23.2f}")
    return out


def bucket_mean(rate: Rate, end: datetime) -> float:
    """The expected count of the 1-hour bucket ending at `end` (as the generator draws it)."""
    return sum(rate(end - timedelta(minutes=10 * i)) for i in range(1, 7)) / 6


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


def burst_table(bench: Bench, rhythm: Rate, base: float) -> dict[str, object]:
    """The two 5x readings by hour of day; returns the summary figures."""
    readings: dict[str, Callable[[datetime], Rate]] = {
        "5x the ordinary rate at that hour": lambda at: with_surge(rhythm, at, BURST_HOURS, 5.0),
        f"5x the daily average ({5 * base:g}/h)": lambda at: with_burst(
            rhythm, at, BURST_HOURS, 5 * base
        ),
    }
    windows = "/".join(str(int(w / timedelta(minutes=1))) for w in bench.rule.windows(HOUR))
    summary: dict[str, object] = {}
    for name, burst in readings.items():
        print(f"\nsudden burst, {name}, for {BURST_HOURS} h from the hour (a Thursday):")
        needs = f"needs {windows}"
        print(f"  hour   usual/h  burst/h  {needs:>18s}  delay med / max  within 60  missed")
        within = total = day_within = day_total = 0
        for hour in HOURS:
            end = WEEK_ONE + timedelta(days=3, hours=hour + 1)
            usual = bucket_mean(rhythm, end)
            peak = bucket_mean(burst(end - HOUR), end)
            delay, hits, missed = row(bench.delays(burst, hour))
            within, total = within + hits, total + bench.seeds
            if 9 <= hour <= 18:
                day_within, day_total = day_within + hits, day_total + bench.seeds
            print(
                f"  {hour:02d}:00  {usual:7.1f}  {peak:7.1f}  {bench.needs(usual):>18s}"
                f"  {delay:>15s}  {hits:6d}/{bench.seeds}  {missed:6d}"
            )
        print(f"  within one bucket: {within}/{total}, daytime 09-18 h: {day_within}/{day_total}")
        key = name.split(" (")[0]
        summary[f"within_one_bucket {key}"] = round(within / total, 3)
        summary[f"within_one_bucket_daytime {key}"] = round(day_within / day_total, 3)
    return summary


def flood_table(bench: Bench, rhythm: Rate) -> dict[str, object]:
    """Stronger bursts: how early the scan catches them, over all hours."""
    print("\nstronger bursts (x the ordinary rate at that hour), over all hours of the table:")
    print("  factor  delay med / max  within 15  within 30  within 60  missed")
    summary: dict[str, object] = {}
    for factor in (10.0, 20.0):
        values: list[float | None] = []
        for hour in HOURS:
            values += bench.delays(
                lambda at, f=factor: with_surge(rhythm, at, BURST_HOURS, f), hour
            )
        hits = [v for v in values if v is not None]
        delay, _, missed = row(values)
        counts = [sum(1 for v in hits if v <= limit) for limit in (15, 30, 60)]
        cells = "  ".join(f"{c:5d}/{len(values)}" for c in counts)
        print(f"  {factor:5.0f}x  {delay:>15s}  {cells}  {missed:6d}")
        summary[f"median_delay_min {factor:g}x"] = statistics.median(hits) if hits else None
    return summary


def main() -> None:
    """Run every scenario and print tables and a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--base", type=float, default=3.0, help="negatives an hour, weekday")
    parser.add_argument("--weekend", type=float, default=0.6, help="weekend volume factor")
    parser.add_argument("--every", type=int, default=5, help="minutes between checks")
    parser.add_argument("--bucket-only", action="store_true", help="no 15/30-min windows")
    args = parser.parse_args()
    rule = SpikeRule(scan_minutes=()) if args.bucket_only else SpikeRule()
    bench = Bench(rule, timedelta(minutes=args.every), args.seeds)
    rhythm = daily_rhythm(args.base, args.weekend)
    summary: dict[str, object] = {
        "weeks": args.seeds,
        "base": args.base,
        "every_min": args.every,
        "windows_min": [int(w / timedelta(minutes=1)) for w in rule.windows(HOUR)],
    }
    scenarios: dict[str, Rate] = {
        "quiet baseline (0.5/h)": lambda _at: 0.5,
        "ordinary rhythm": rhythm,
        "steady rise (+10%/day)": with_rise(rhythm, WEEK_ONE, per_day=0.1),
    }
    print(f"false alarms over {args.seeds} weeks each (checks every {args.every} min):")
    print("  scenario                  episodes  checks fired  weeks with an alarm")
    for name, rate in scenarios.items():
        fa = bench.false_alarms(rate)
        checks, episodes = sum(c for c, _ in fa), sum(e for _, e in fa)
        weeks = sum(1 for c, _ in fa if c)
        print(f"  {name:24s}  {episodes:8d}  {checks:12d}  {weeks:10d}/{args.seeds}")
        summary[f"false_alarm_episodes {name}"] = episodes
    summary.update(burst_table(bench, rhythm, args.base))
    summary.update(flood_table(bench, rhythm))
    summary["p_whole_5x_bucket_flagged_by_usual_per_hour"] = statistics_limit(bench)

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
