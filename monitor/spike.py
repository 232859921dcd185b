"""The spike watch, pure: negative volume against a seasonal expected count, and fast posts.

Counts of negative mentions are Poisson. At each check the rule scans windows ending now: the
bucket (an hour by default) and shorter windows inside it (15 and 30 minutes), each tested
against its own share of the expected count, with the significance `alpha` split evenly between
them (so the scan raises no more false alarms than one test at `alpha`, and a strong burst is
caught in its first 15-30 minutes instead of once a whole bucket has filled). A window fires
when P(X >= observed | expected) < its share of alpha, it holds at least `min_count` mentions
(the same handful in every window: a few posts are never a crisis, however short the window),
and at least `min_ratio` times its expected count (the ratio guard absorbs the error of
estimating the expected count from a week of small counts, and keeps a mere "busier than
usual" hour out of the crisis channel).

The expected count is seasonal, from the history itself (a week and a bucket of buckets):
- the time-of-day profile: the same bucket (and its two neighbours) on each of the previous days,
  blended with the same bucket a week ago (which knows weekends from weekdays);
- scaled by the recent level: the last `baseline_hours` against the same hours on previous days,
  so a steady rise or a quiet weekend moves the expectation with it.
With under three days of history the mean of the recent buckets is used; never below
`min_expected` per bucket. A shorter window expects its share of the bucket's count. The test
uses the Poisson tail widened by the estimate's own error (the Poisson-gamma predictive), so a
thin history does not turn noise into alarms.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from monitor.mention import as_utc

WEEK = timedelta(days=7)
DAY = timedelta(days=1)
MIN_AGE_HOURS = 0.25  # a post a minute old with 20 likes is not "1,200 an hour" yet
# The same bucket a week ago (which knows a Monday from a Sunday) against the mean of the
# previous days (which is steadier): its weight, and how many neighbours each side it averages.
WEEK_WEIGHT = 0.25
WEEK_SPAN = 1
LEVEL_LIMITS = (0.25, 4.0)  # the recent level scales the profile at most this much
PSEUDO_COUNT = 1.0  # keeps the level ratio finite on quiet days
MIN_DAYS = 3  # days of history before the time-of-day profile is trusted over the recent mean


class SpikeConfig(Protocol):
    """The settings the rule reads (monitor.settings.SpikeSettings has them all)."""

    baseline_hours: int
    min_count: int
    k_sigma: float
    alpha: float
    min_ratio: float
    min_expected: float
    scan_minutes: list[int]
    scan_share: float


@dataclass(frozen=True, slots=True)
class SpikeRule:
    """The decision thresholds: significance, minimum count and ratio, the recent window, and
    the shorter windows scanned inside the bucket."""

    alpha: float = 1e-4
    min_count: int = 5
    min_ratio: float = 3.0
    min_expected: float = 0.5
    baseline_hours: int = 24
    scan_minutes: tuple[int, ...] = (15, 30)
    scan_share: float = 0.2  # of alpha, spent on the shorter windows (the bucket keeps the rest)

    def windows(self, bucket: timedelta) -> tuple[timedelta, ...]:
        """The windows tested at each check, shortest first: the scan windows inside the
        bucket, and the bucket itself."""
        inside = {timedelta(minutes=m) for m in self.scan_minutes if timedelta(minutes=m) < bucket}
        return (*sorted(inside), bucket)

    def shares(self, tested: Iterable[timedelta], bucket: timedelta) -> dict[timedelta, float]:
        """Each tested window's share of alpha: the shorter windows split `scan_share` of it
        evenly, the bucket keeps the rest (all of it when tested alone)."""
        short = [w for w in tested if w < bucket]
        if not short:
            return {bucket: self.alpha}
        each = self.alpha * self.scan_share / len(short)
        return {**dict.fromkeys(short, each), bucket: self.alpha * (1 - self.scan_share)}

    @classmethod
    def from_settings(cls, cfg: SpikeConfig) -> SpikeRule:
        """The rule of a [spike] section; an older config with only k_sigma keeps its meaning."""
        fields = getattr(cfg, "model_fields_set", set())
        alpha = cfg.alpha
        if "k_sigma" in fields and "alpha" not in fields:
            alpha = normal_tail(cfg.k_sigma)
        return cls(
            alpha,
            cfg.min_count,
            cfg.min_ratio,
            cfg.min_expected,
            cfg.baseline_hours,
            tuple(cfg.scan_minutes),
            cfg.scan_share,
        )


@dataclass(frozen=True, slots=True)
class WindowTest:
    """One window of the scan: its length, what it held and was expected to, and the chance."""

    window: timedelta
    count: int
    expected: float
    p_value: float  # P(X >= count | expected), the Poisson-gamma predictive
    share: float  # this window's share of alpha
    fired: bool

    @property
    def ratio(self) -> float:
        """The count over the expected count."""
        return self.count / self.expected if self.expected else math.inf


@dataclass(frozen=True, slots=True)
class SpikeVerdict:
    """What the spike rule saw in the windows ending now, and whether it is a spike.

    count, expected, p_value and window are those of the deciding window: of the windows that
    fired (or, without a spike, of all), the one with the smallest chance against its share."""

    spike: bool
    count: int
    expected: float  # the count expected in `window`
    p_value: float  # P(X >= count | expected)
    profile: float | None  # the bucket's time-of-day expectation before the level; None: no day
    level: float  # the recent level against the same hours on previous days (1.0: as usual)
    reasons: tuple[str, ...]
    window: timedelta = timedelta(hours=1)
    tests: tuple[WindowTest, ...] = ()

    @property
    def ratio(self) -> float:
        """The deciding window's count over its expected count."""
        return self.count / self.expected if self.expected else math.inf


def normal_tail(k_sigma: float) -> float:
    """P(Z > k) for a standard normal Z (maps an old k-sigma setting onto alpha)."""
    return 0.5 * math.erfc(k_sigma / math.sqrt(2))


def _upper_tail(observed: int, expected: float, term: Callable[[int], float]) -> float:
    """P(X >= observed) from the probability mass `term` of a distribution with mean `expected`."""
    if observed <= expected:
        # The body: one minus the (short) lower sum is accurate enough here.
        return max(0.0, 1.0 - sum(term(k) for k in range(observed)))
    # The tail: terms shrink geometrically past the mean, so sum until they stop mattering
    # (or underflow: far out in the tail the first term is already 0.0).
    total, k = 0.0, observed
    while True:
        t = term(k)
        total += t
        if t <= total * 1e-12:
            return min(total, 1.0)
        k += 1


def poisson_tail(observed: int, expected: float) -> float:
    """P(X >= observed) for X ~ Poisson(expected), accurate far into the tail."""
    if observed <= 0:
        return 1.0
    if expected <= 0:
        return 0.0

    def term(k: int) -> float:
        return math.exp(k * math.log(expected) - expected - math.lgamma(k + 1))

    return _upper_tail(observed, expected, term)


def bucket_counts(
    times: Iterable[datetime], end: datetime, bucket: timedelta, buckets: int
) -> list[int]:
    """Count `times` into `buckets` buckets of width `bucket` ending at `end` (oldest first).

    The newest (last) bucket holds times in (end - bucket, end]; times outside the whole range
    are ignored.
    """
    counts = [0] * buckets
    end = as_utc(end) or end
    start = end - bucket * buckets
    for raw in times:
        at = _utc(raw)
        if at <= start or at > end:
            continue
        # Bucket b (counted back from the newest, 0) holds ages in [b * bucket, (b + 1) * bucket).
        counts[buckets - 1 - (end - at) // bucket] += 1
    return counts


def predictive_tail(observed: int, expected: float, samples: float) -> float:
    """P(X >= observed) when X is Poisson with a rate estimated as `expected` from `samples`
    buckets: the Poisson-gamma (negative binomial) predictive, which is the Poisson tail widened
    by the estimate's own error and tends to `poisson_tail` as `samples` grows."""
    if math.isinf(samples) or observed <= 0 or expected <= 0:
        return poisson_tail(observed, expected)
    r = expected * samples + 0.5  # Jeffreys prior on the rate
    log_p, log_q = math.log(samples / (samples + 1)), math.log(1 / (samples + 1))

    def term(k: int) -> float:
        return math.exp(
            math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1) + r * log_p + k * log_q
        )

    return _upper_tail(observed, expected, term)


@dataclass(frozen=True, slots=True)
class Expectation:
    """The count expected in a bucket, how it was reached, and how many buckets it rests on."""

    count: float
    profile: float | None  # the time-of-day expectation; None under MIN_DAYS of history
    level: float  # the recent level against the same hours on previous days (1.0: as usual)
    samples: float  # effective number of buckets behind `count` (inf: the min_expected prior)


def _day_value(history: Sequence[int], back: int, span: int) -> tuple[float, int] | None:
    """The bucket `back` buckets before the latest, averaged with `span` neighbours each side,
    and how many buckets it averages."""
    if back > len(history):
        return None
    offsets = range(back - span, back + span + 1)
    # Offset b counts back from the latest bucket (0); only history (b >= 1) may be used.
    values = [history[-b] for b in offsets if 1 <= b <= len(history)]
    return sum(values) / len(values), len(values)


def expected_count(history: Sequence[int], bucket: timedelta, rule: SpikeRule) -> Expectation:
    """The count expected in the next bucket after `history` (oldest first)."""
    recent_n = max(1, int(timedelta(hours=rule.baseline_hours) / bucket))
    recent = history[-recent_n:]
    per_day = int(DAY / bucket) if DAY % bucket == timedelta(0) else 0
    if not per_day or len(history) < MIN_DAYS * per_day:
        mean = sum(recent) / len(recent) if recent else 0.0
        if mean < rule.min_expected:
            return Expectation(rule.min_expected, None, 1.0, math.inf)
        return Expectation(mean, None, 1.0, len(recent))
    # Neighbours only when they are an hour or two away, not a quarter of a day.
    span = 1 if per_day >= 12 else 0
    days = [
        v
        for d in range(1, 8)
        if (v := _day_value(history, d * per_day, WEEK_SPAN * span if d == 7 else span))
    ]
    earlier, week = days[:6], (days[6] if len(days) == 7 else None)
    daily = sum(v for v, _ in earlier) / len(earlier)
    # A mean of per-day means: its variance, as a number of buckets, is D^2 / sum(1/n_d).
    daily_n = len(earlier) ** 2 / sum(1 / n for _, n in earlier)
    if week is None:
        profile, samples = daily, float(daily_n)
    else:
        w = WEEK_WEIGHT
        profile = (1 - w) * daily + w * week[0]
        # The variance of a weighted mean of Poisson means, as a number of buckets.
        samples = 1 / ((1 - w) ** 2 / daily_n + w**2 / week[1])
    # The level: the recent window against the same window on each earlier day that has it.
    usual = [
        sum(history[-(d * per_day + recent_n) : -(d * per_day)])
        for d in range(1, 7)
        if d * per_day + recent_n <= len(history)
    ]
    level = 1.0
    if usual:
        ratio = (sum(recent) + PSEUDO_COUNT) / (sum(usual) / len(usual) + PSEUDO_COUNT)
        level = min(max(ratio, LEVEL_LIMITS[0]), LEVEL_LIMITS[1])
    # A busier day raises the expectation; a quieter one (a Sunday before a Monday) does not
    # lower it below the profile: a spike must stand out against both.
    # The floor is for a quiet night: the estimate's own error still counts there.
    count = max(profile * max(level, 1.0), rule.min_expected)
    return Expectation(count, profile, level, samples)


def smallest_alarm(
    expected: float, samples: float, rule: SpikeRule, share: float | None = None
) -> int:
    """The smallest count in a window that the rule flags when `expected` were expected and
    the window's share of alpha is `share` (default: all of it)."""
    share = rule.alpha if share is None else share
    k = max(rule.min_count, math.ceil(rule.min_ratio * expected))
    while predictive_tail(k, expected, samples) >= share:
        k += 1
    return k


def judge_window(
    window: timedelta,
    count: int,
    exp: Expectation,
    bucket: timedelta,
    rule: SpikeRule,
    share: float,
) -> WindowTest:
    """Test one window ending now against its share of the bucket's expected count."""
    part = window / bucket
    expected = exp.count * part
    # The rate behind the window's expectation is the bucket's, known from as much data: the
    # same Poisson-gamma, counted in windows instead of buckets.
    p_value = predictive_tail(count, expected, exp.samples / part)
    fired = count >= rule.min_count and count >= rule.min_ratio * expected and p_value < share
    return WindowTest(window, count, expected, p_value, share, fired)


def detect_spike(
    counts: Sequence[int],
    bucket: timedelta,
    rule: SpikeRule | None = None,
    recent: Mapping[timedelta, int] | None = None,
) -> SpikeVerdict:
    """Judge the windows ending with the last of `counts` (oldest first, up to a week and a
    bucket of history): the last bucket, and the shorter scan windows whose counts `recent`
    holds (a scan window without a count is not tested, and takes no share of alpha)."""
    rule = rule or SpikeRule()
    if not counts:
        return SpikeVerdict(False, 0, rule.min_expected, 1.0, None, 1.0, ("no data",), bucket)
    exp = expected_count(counts[:-1], bucket, rule)
    held = {w: recent[w] for w in rule.windows(bucket)[:-1] if recent and w in recent}
    held[bucket] = counts[-1]
    # Alpha is split (Bonferroni), so the chance that any window fires by chance stays under
    # alpha whatever their overlap. The bucket keeps most of it: a burst of a few times the
    # usual rate is proven by a whole bucket of it, and only a flood stands out in 15 minutes.
    shares = rule.shares(held, bucket)
    tests = tuple(judge_window(w, n, exp, bucket, rule, shares[w]) for w, n in sorted(held.items()))
    fired = [t for t in tests if t.fired]
    # The strongest evidence against its own share decides (a tie goes to the longer window).
    top = min(fired or tests, key=lambda t: (t.p_value / t.share, -t.window.total_seconds()))
    reasons: tuple[str, ...] = ()
    if fired:
        basis = "for this time of day" if exp.profile is not None else "from the recent hours"
        reasons = (
            f"{top.count} negative mentions in the last {_span(top.window)} where"
            f" {_num(top.expected)} were expected {basis} ({top.ratio:.1f}x;"
            f" Poisson chance {top.p_value:.1g})",
        )
        reasons += tuple(
            f"also {t.count} in the last {_span(t.window)} ({t.ratio:.1f}x the"
            f" {_num(t.expected)} expected)"
            for t in fired
            if t is not top
        )
        if exp.profile is not None and abs(exp.level - 1) >= 0.2:
            reasons += (
                f"the last {rule.baseline_hours} h ran at {exp.level:.1f}x the usual level",
            )
    return SpikeVerdict(
        bool(fired),
        top.count,
        top.expected,
        top.p_value,
        exp.profile,
        exp.level,
        reasons,
        top.window,
        tests,
    )


def window_counts(
    times: Iterable[datetime], end: datetime, windows: Iterable[timedelta]
) -> dict[timedelta, int]:
    """How many of `times` fall in each window (end - window, end]."""
    windows = list(windows)
    end = as_utc(end) or end
    longest = max(windows, default=timedelta(0))
    # Only the times inside the longest window matter (a week of history holds many more).
    ages = [a for t in times if timedelta(0) <= (a := end - _utc(t)) < longest]
    return {w: sum(1 for a in ages if a < w) for w in windows}


def scan(
    times: Iterable[datetime], now: datetime, bucket: timedelta, rule: SpikeRule | None = None
) -> SpikeVerdict:
    """Count the negative mentions at `times` and judge every window ending `now`: the whole
    check a job makes (times older than `history_buckets(bucket)` buckets are ignored)."""
    rule = rule or SpikeRule()
    utc = [_utc(t) for t in times]
    counts = bucket_counts(utc, now, bucket, history_buckets(bucket))
    return detect_spike(counts, bucket, rule, window_counts(utc, now, rule.windows(bucket)[:-1]))


def history_buckets(bucket: timedelta) -> int:
    """How many buckets `detect_spike` wants: the latest, and a week of history plus the
    older neighbour of the bucket a week ago."""
    return int(WEEK / bucket) + 1 + WEEK_SPAN


def engagement_velocity(engagement: int, posted_at: datetime, now: datetime) -> float:
    """Engagement per hour since the post was made (young posts count as MIN_AGE_HOURS old)."""
    age_hours = ((as_utc(now) or now) - (as_utc(posted_at) or posted_at)).total_seconds() / 3600
    return engagement / max(age_hours, MIN_AGE_HOURS)


@dataclass(frozen=True, slots=True)
class ViralPost:
    """A post spreading fast: its id, engagement and engagement per hour."""

    key: object
    engagement: int
    per_hour: float


def viral_posts(
    posts: Iterable[tuple[object, int, datetime]], now: datetime, threshold_per_hour: float
) -> list[ViralPost]:
    """The posts (key, engagement, posted_at) whose engagement per hour exceeds the threshold."""
    found = []
    for key, engagement, posted_at in posts:
        per_hour = engagement_velocity(engagement, posted_at, now)
        if per_hour > threshold_per_hour:
            found.append(ViralPost(key, engagement, per_hour))
    return sorted(found, key=lambda p: p.per_hour, reverse=True)


def _utc(at: datetime) -> datetime:
    # The common case first: a check converts a week of times, often many times over.
    return at if at.tzinfo is UTC else as_utc(at) or at


def _num(value: float) -> str:
    return f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def _span(bucket: timedelta) -> str:
    minutes = int(bucket.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"
