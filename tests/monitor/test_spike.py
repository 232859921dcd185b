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
    scan,
    viral_posts,
    window_counts,
)
from tests.fakes.spike_streams import (
    START,
    Rate,
    alarms,
    daily_rhythm,
    generate,
    with_rise,
    with_surge,
)

HOUR = timedelta(hours=1)
MIN = timedelta(minutes=1)
WEEK_ONE = START + timedelta(days=7)  # checks start once a week of history exists
RHYTHM = daily_rhythm(3.0)
BURST_AT = WEEK_ONE + timedelta(days=3)  # Thursday, midnight: bursts start hours after it


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


@pytest.mark.parametrize("tail", [poisson_tail, lambda k, e: predictive_tail(k, e, 16)])
def test_a_tail_too_far_out_to_represent_is_zero(tail: object) -> None:
    # 400 mentions where 0.125 were expected: the first term underflows to 0.0.
    assert tail(400, 0.125) == 0.0  # type: ignore[operator]


@pytest.mark.parametrize(
    ("bucket", "scan_minutes", "windows"),
    [
        (HOUR, (15, 30), (15 * MIN, 30 * MIN, HOUR)),
        (HOUR, (30, 15, 15), (15 * MIN, 30 * MIN, HOUR)),  # sorted, once each
        (30 * MIN, (15, 30, 45), (15 * MIN, 30 * MIN)),  # none as long as the bucket or longer
        (HOUR, (), (HOUR,)),  # the bucket alone
    ],
)
def test_the_scan_windows_end_with_the_bucket(
    bucket: timedelta, scan_minutes: tuple[int, ...], windows: tuple[timedelta, ...]
) -> None:
    assert SpikeRule(scan_minutes=scan_minutes).windows(bucket) == windows


@pytest.mark.parametrize(
    ("tested", "shares"),
    [
        ((15 * MIN, 30 * MIN, HOUR), {15 * MIN: 1e-5, 30 * MIN: 1e-5, HOUR: 8e-5}),
        ((30 * MIN, HOUR), {30 * MIN: 2e-5, HOUR: 8e-5}),
        ((HOUR,), {HOUR: 1e-4}),  # tested alone, the bucket has all of alpha
    ],
)
def test_alpha_is_split_between_the_windows_and_the_bucket_keeps_most(
    tested: tuple[timedelta, ...], shares: dict[timedelta, float]
) -> None:
    got = SpikeRule().shares(tested, HOUR)
    assert got == pytest.approx(shares)
    assert sum(got.values()) == pytest.approx(1e-4)  # no more false alarms than one test


def test_window_counts_use_the_buckets_convention() -> None:
    end = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    times = [end, end - 14 * MIN, end - 15 * MIN, end - 29 * MIN, end + MIN]
    # (end - window, end]: the end is in, the start is out, the future is ignored.
    assert window_counts(times, end, (15 * MIN, 30 * MIN)) == {15 * MIN: 2, 30 * MIN: 4}


WEEK_OF_THREES = [3] * (history_buckets(HOUR) - 1)
BUCKET_ONLY = SpikeRule(scan_minutes=())


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


@pytest.mark.parametrize(
    ("name", "history", "recent", "latest", "rule", "window"),
    [
        # 12 in the hour where 3 are usual is not enough (14 needed), but 10 of them in the
        # last 15 minutes, where 0.75 are usual, is a flood.
        ("a flood in the last 15 min", WEEK_OF_THREES, {15: 10, 30: 11}, 12, SpikeRule(), 15),
        ("the same, the bucket alone", WEEK_OF_THREES, {15: 10, 30: 11}, 12, BUCKET_ONLY, None),
        ("the same, no short counts given", WEEK_OF_THREES, {}, 12, SpikeRule(), None),
        # A handful in 15 minutes of a quiet night is never a crisis, however unlikely.
        ("4 in 15 min of a quiet week", [0] * 168, {15: 4, 30: 4}, 4, SpikeRule(), None),
        ("5 in 15 min of a quiet week", [0] * 168, {15: 5, 30: 5}, 5, SpikeRule(), 15),
        # When several windows fire, the strongest evidence (against its share) decides.
        ("a whole bucket of it", [0] * 168, {15: 5, 30: 9}, 14, SpikeRule(), 60),
    ],
)
def test_the_scan_tests_each_window_against_its_own_expectation(
    name: str,
    history: list[int],
    recent: dict[int, int],
    latest: int,
    rule: SpikeRule,
    window: int | None,
) -> None:
    held = {m * MIN: n for m, n in recent.items()}
    verdict = detect_spike([*history, latest], HOUR, rule, held)
    assert verdict.spike is (window is not None), (name, verdict)
    if window is not None:
        assert verdict.window == window * MIN
        count, span = held.get(verdict.window, latest), "1 h" if window == 60 else f"{window} min"
        assert verdict.reasons[0].startswith(f"{count} negative mentions in the last {span}")
        assert verdict.expected == pytest.approx(verdict.tests[-1].expected * window / 60)


def test_an_alarm_names_every_window_that_fired() -> None:
    verdict = detect_spike([*[0] * 168, 14], HOUR, SpikeRule(), {15 * MIN: 5, 30 * MIN: 9})
    assert [t.fired for t in verdict.tests] == [True, True, True]
    assert verdict.reasons == (
        "14 negative mentions in the last 1 h where 0.50 were expected for this time of day"
        f" (28.0x; Poisson chance {verdict.p_value:.1g})",
        "also 5 in the last 15 min (40.0x the 0.12 expected)",
        "also 9 in the last 30 min (36.0x the 0.25 expected)",
    )


def test_scan_counts_the_times_and_tests_every_window() -> None:
    now = WEEK_ONE + 9 * HOUR
    ordinary = [t for t in generate(RHYTHM, days=8, seed=3) if t <= now]
    verdict = scan(ordinary, now, HOUR)
    assert [t.window for t in verdict.tests] == [15 * MIN, 30 * MIN, HOUR]
    assert not verdict.spike
    flood = scan(ordinary + [now - i * MIN for i in range(12)], now, HOUR)
    assert flood.spike and flood.window == 15 * MIN  # 12 more in 12 minutes at 9 am


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
    assert (rule.scan_minutes, rule.scan_share) == ((15, 30), 0.2)


@pytest.mark.parametrize("fields", [{"scan_minutes": [0]}, {"scan_share": 1.0}])
def test_scan_settings_are_checked(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SpikeSettings(**fields)


def test_the_scan_windows_come_from_settings() -> None:
    rule = SpikeRule.from_settings(SpikeSettings(scan_minutes=[10], scan_share=0.5))
    assert rule.windows(HOUR) == (10 * MIN, HOUR)
    assert rule.shares(rule.windows(HOUR), HOUR) == pytest.approx({10 * MIN: 5e-5, HOUR: 5e-5})


def quiet(_at: datetime) -> float:
    """A flat 0.5 negative mentions an hour."""
    return 0.5


@pytest.mark.parametrize(
    ("name", "rate", "seed", "checks_from", "checks_hours", "first_alarm_within"),
    [
        # Every alarm on these is a false alarm: a week of checks, none may fire.
        ("quiet baseline", quiet, 7, WEEK_ONE, 168, None),
        ("a week of daily rhythm", RHYTHM, 7, WEEK_ONE, 168, None),
        ("daily rhythm, quiet weekends", daily_rhythm(3.0, 0.6), 7, WEEK_ONE, 168, None),
        # +5% a day for a week: the recent level rises with it, a trend is not a crisis.
        ("steady rise", with_rise(RHYTHM, WEEK_ONE, per_day=0.05), 11, WEEK_ONE, 168, None),
        # 3 am, 0.6 an hour: 5x is still 3 an hour, under the minimum count.
        (
            "night blip under min_count",
            with_surge(RHYTHM, BURST_AT + 3 * HOUR, hours=1, factor=5.0),
            5,
            BURST_AT + 3 * HOUR,
            2,
            None,
        ),
        # Daytime, where 5x the usual count (22-27 an hour) is far past what the bucket needs
        # (16-18): flagged within one bucket.
        *(
            (
                f"5x burst at {h}:00",
                with_surge(RHYTHM, BURST_AT + h * HOUR, hours=3, factor=5.0),
                h,
                BURST_AT + h * HOUR,
                2,
                HOUR,
            )
            for h in (12, 15, 18)
        ),
        # A flood (20x the usual 3.3 an hour at 9 am) shows in a short window: within 30 min.
        (
            "20x flood at 9:00",
            with_surge(RHYTHM, BURST_AT + 9 * HOUR, hours=1, factor=20.0),
            9,
            BURST_AT + 9 * HOUR,
            1,
            30 * MIN,
        ),
    ],
)
def test_generated_streams(
    name: str,
    rate: Rate,
    seed: int,
    checks_from: datetime,
    checks_hours: int,
    first_alarm_within: timedelta | None,
) -> None:
    times = generate(rate, days=14, seed=seed)
    every = HOUR if checks_hours > 24 else 5 * MIN  # a week hourly, a burst as the job checks
    fired = alarms(times, checks_from, checks_from + checks_hours * HOUR, every=every)
    if first_alarm_within is None:
        assert fired == [], name
    else:
        assert fired, f"{name}: never flagged"
        assert checks_from < fired[0] <= checks_from + first_alarm_within, (name, fired[0])


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
