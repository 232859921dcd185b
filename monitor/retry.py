"""Retry back-off: exponential with jitter, one rule for failed polls and failed outbox sends.

Also the one reading of the waits platforms ask for (Retry-After, rate-limit resets), clamped.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


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


# The longest wait any platform answer may impose (Retry-After, x-rate-limit-reset, ...). A
# header asking for more (a typo, a broken proxy, "Retry-After: 99999999", a date in the year
# 9999, "inf") would otherwise silence a channel or a reply for days, or overflow the datetime
# it is added to. Six hours is far above the platforms' read windows (X's is 15 minutes) and
# above the long waits we do honour (a two-hour Retry-After, an hourly retry of a permanent
# failure), yet a broken header then costs hours, not days, and the channel-down alert still
# fires the same day.
MAX_WAIT_SECONDS = 6 * 3600.0
_EPOCH_FROM = 1_000_000_000  # a reset value above this is epoch seconds (X), else a delay


def clamp_wait(seconds: float | None) -> float | None:
    """A wait a platform asked for, made safe: None if not a number, within [0, MAX_WAIT]."""
    if seconds is None or math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_WAIT_SECONDS)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After value (delay-seconds or an HTTP date), clamped; None if unusable.

    Negative delays and dates in the past mean "now" (0); NaN and words mean nothing was said.
    """
    text = (value or "").strip()
    if not text:
        return None
    try:
        return clamp_wait(float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return clamp_wait((when - (now or datetime.now(UTC))).total_seconds())


def parse_reset(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds until a rate-limit reset header: epoch seconds (X) or a delay (Reddit), clamped."""
    try:
        number = float((value or "").strip())
    except ValueError:
        return None
    if math.isfinite(number) and number > _EPOCH_FROM:
        number -= (now or datetime.now(UTC)).timestamp()
    return clamp_wait(number)
