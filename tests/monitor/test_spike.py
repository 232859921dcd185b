"""The spike watch on generated streams: quiet, daily rhythm, steady rise, burst, viral post."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from monitor.settings import SpikeSettings
from monitor.spike import (
    SpikeRule,
    bucket_counts,
    detect_spike,
    engagement_velocity,
    expected_count,
    history_buckets,
    poisson_tail,
    predictive_tail,
    viral_posts,
)
from tests.fakes.spike_streams import (
    START,
    alarms,
    daily_rhythm,
    generate,
    with_rise,
    with_surge,
)

HOUR = timedelta(hours=1)
WEEK_ONE = START + timedelta(days=7)  # checks start once a week of history exists


def test_bucket_counts_put_each_time_in_its_rolling_bucket() -> None:
    end = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    times = [
        end,  # the newest bucket includes its end
        end - timedelta(minutes=59),
        end - HOUR,  # exactly one bucket back: the newest bucket's start is excluded
        end - timedelta(minutes=61),
        end - 3 * HOUR - timedelta(seconds=1),  # too old for three buckets
    ]
    assert bucket_counts(times, end, HOUR, 3) == [0, 2, 2]


@pytest.mark.parametrize(
    ("observed", "expected", "tail"),
    [
        (0, 3.0, 1.0),
        (1, 3.0, 1 - math.exp(-3.0)),
        (12, 3.0, 7.14e-5),
        (6, 0.5, 1.4e-5),
        (3, 0.0, 0.0),
    ],
)
def test_poisson_tail(observed: int, expected: float, tail: float) -> None:
    assert poisson_tail(observed, expected) == pytest.approx(tail, rel=0.02, abs=1e-12)


@pytest.mark.parametrize("samples", [5, 20, 200])
def test_the_predictive_tail_widens_the_poisson_tail_and_tends_to_it(samples: int) -> None:
    plain = poisson_tail(12, 3.0)
    widened = predictive_tail(12, 3.0, samples)
    assert widened > plain
    assert predictive_tail(12, 3.0, samples * 10) < widened
    assert predictive_tail(12, 3.0, math.inf) == plain


WEEK_OF_THREES = [3] * (history_buckets(HOUR) - 1)


@pytest.mark.parametrize(
    ("name", "history", "latest", "spike"),
    [
        ("quiet baseline, quiet hour", [1] * 24, 2, False),
        ("quiet baseline, burst of 6x", [2] * 24, 12, True),
        ("burst below the minimum count", [0] * 24, 4, False),
        ("busy baseline, ordinary hour", [10, 12, 9, 11] * 6, 14, False),
        ("no history at all, a handful", [], 5, False),  # 5 against the 0.5 floor: p = 1.7e-4
        ("no history at all, a crowd", [], 9, True),
        ("a week of 3 an hour, 11", WEEK_OF_THREES, 11, False),  # 3.7x but p = 3e-4
        ("a week of 3 an hour, 14", WEEK_OF_THREES, 14, True),
        ("ratio guard: 80 an hour, 180", [80] * 168, 180, False),  # p tiny, but only 2.25x
        ("ratio guard: 80 an hour, 250", [80] * 168, 250, True),
    ],
)
def test_spike_rule_on_small_cases(name: str, history: list[int], latest: int, spike: bool) -> None:
    verdict = detect_spike([*history, latest], HOUR, SpikeRule())
    assert verdict.spike is spike, (name, verdict)
    assert bool(verdict.reasons) is spike


def test_the_expected_count_follows_the_time_of_day_and_the_recent_level() -> None:
    day = [1] * 8 + [6] * 8 + [2] * 8  # quiet nights, busy days
    week = (day * 8)[-(history_buckets(HOUR) - 1 + 16) : -16]  # a week and an hour to 08:00
    # Predicting 08:00-09:00 (the first busy hour) after a week like every other.
    usual = expected_count(week, HOUR, SpikeRule())
    assert usual.profile is not None
    assert usual.count == pytest.approx((1 + 6 + 6) / 3)  # the bucket and its neighbours
    assert usual.level == pytest.approx(1.0)
    busier = expected_count(week[:-24] + [2 * v for v in day], HOUR, SpikeRule())
    assert busier.level > 1.8 and busier.count > 1.8 * usual.count
    quieter = expected_count(week[:-24] + [0] * 24, HOUR, SpikeRule())
    # A quiet day does not scale the expectation down (yesterday's hour still counts in it).
    assert quieter.level < 0.3 and quieter.count == pytest.approx(quieter.profile)


@pytest.mark.parametrize(
    ("fields", "alpha"),
    [
        ({}, 1e-4),
        ({"alpha": 1e-3}, 1e-3),
        ({"k_sigma": 3.0}, 1.35e-3),  # an older config: k_sigma keeps its meaning
        ({"k_sigma": 3.0, "alpha": 1e-5}, 1e-5),
    ],
)
def test_rule_from_settings(fields: dict[str, float], alpha: float) -> None:
    rule = SpikeRule.from_settings(SpikeSettings(**fields))
    assert rule.alpha == pytest.approx(alpha, rel=0.01)
    assert (rule.min_count, rule.min_ratio) == (5, 3.0)


@pytest.mark.parametrize("weekend", [1.0, 0.6])
def test_a_week_of_daily_rhythm_raises_no_alarm(weekend: float) -> None:
    times = generate(daily_rhythm(3.0, weekend), days=14, seed=7)
    assert alarms(times, WEEK_ONE, WEEK_ONE + timedelta(days=7), every=HOUR) == []


def test_a_steady_rise_is_a_trend_not_a_crisis() -> None:
    # +5% a day for a week: the recent level rises with it.
    rate = with_rise(daily_rhythm(3.0), WEEK_ONE, per_day=0.05)
    times = generate(rate, days=14, seed=11)
    assert alarms(times, WEEK_ONE, WEEK_ONE + timedelta(days=7), every=HOUR) == []


@pytest.mark.parametrize("burst_hour", [12, 15, 18])
def test_a_burst_of_five_times_the_expected_count_is_flagged_within_one_bucket(
    burst_hour: int,
) -> None:
    # Daytime, where 5x the expected count (22-27) is far past what the rule needs (16-18).
    base = daily_rhythm(3.0)
    burst_at = WEEK_ONE + timedelta(days=3, hours=burst_hour)
    times = generate(with_surge(base, burst_at, hours=3, factor=5.0), days=14, seed=burst_hour)
    fired = alarms(times, burst_at - timedelta(hours=6), burst_at + timedelta(hours=2))
    assert fired, "the burst was never flagged"
    assert burst_at < fired[0] <= burst_at + HOUR


def test_a_night_time_blip_below_the_minimum_count_is_not_a_crisis() -> None:
    base = daily_rhythm(3.0)
    burst_at = WEEK_ONE + timedelta(days=3, hours=3)  # 0.6 an hour at 3 am: 5x is still 3
    times = generate(with_surge(base, burst_at, hours=1, factor=5.0), days=14, seed=5)
    assert alarms(times, burst_at, burst_at + 2 * HOUR) == []


def test_the_seasonal_reference_keeps_a_busy_afternoon_from_alarming() -> None:
    times = generate(daily_rhythm(3.0), days=14, seed=3)
    peak = WEEK_ONE + timedelta(days=2, hours=15)
    counts = bucket_counts(times, peak, HOUR, history_buckets(HOUR))
    verdict = detect_spike(counts, HOUR)
    assert verdict.profile is not None
    assert verdict.expected > 3.0  # the afternoon is expected to be busier than the day average
    assert not verdict.spike


NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("engagement", "age", "per_hour"),
    [
        (1000, timedelta(hours=2), 500.0),
        (30, timedelta(minutes=1), 120.0),  # young posts count as 15 minutes old
        (0, timedelta(hours=5), 0.0),
    ],
)
def test_engagement_velocity(engagement: int, age: timedelta, per_hour: float) -> None:
    assert engagement_velocity(engagement, NOW - age, NOW) == pytest.approx(per_hour)


def test_a_single_viral_post_stands_out_from_ordinary_ones() -> None:
    posts = [
        ("ordinary", 40, NOW - timedelta(hours=3)),
        ("old and big", 5000, NOW - timedelta(days=3)),
        ("viral", 2400, NOW - timedelta(hours=2)),
    ]
    found = viral_posts(posts, NOW, threshold_per_hour=500)
    assert [p.key for p in found] == ["viral"]
    assert found[0].per_hour == pytest.approx(1200)
