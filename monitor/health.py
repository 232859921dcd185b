"""Channel health: back-off with jitter after failures, and when a channel counts as down."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from monitor import retry

BASE_BACKOFF_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 3600.0


def backoff_seconds(
    failures: int, retry_after: float | None = None, rng: random.Random | None = None
) -> float:
    """Seconds to wait after `failures` failures in a row (jittered), at least Retry-After.

    The platform's wait is clamped (monitor.retry.MAX_WAIT_SECONDS): a huge, infinite or NaN
    one must not park the channel for years, nor overflow the datetime it is added to.
    """
    wait = retry.backoff_seconds(failures, BASE_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS, rng)
    asked = retry.clamp_wait(retry_after)
    if asked is not None:
        wait = max(wait, asked)
    return wait


def next_poll_time(
    now: datetime, failures: int, retry_after: float | None = None, rng: random.Random | None = None
) -> datetime:
    """When the next poll may happen after a failure."""
    return now + timedelta(seconds=backoff_seconds(failures, retry_after, rng))


def is_down(down_since: datetime | None, now: datetime, after_minutes: float) -> bool:
    """A channel failing continuously for longer than `after_minutes` is down."""
    return down_since is not None and now - down_since >= timedelta(minutes=after_minutes)


PERMANENT_RETRY_SECONDS = 3600.0  # a permanent failure (bad credentials) is retried hourly


def failure_retry_after(retry_after: float | None, permanent: bool) -> float | None:
    """The wait a failure asks for (clamped): a permanent one waits at least an hour."""
    asked = retry.clamp_wait(retry_after)
    if permanent:
        return max(asked or 0.0, PERMANENT_RETRY_SECONDS)
    return asked


def month_key(now: datetime) -> str:
    """The spending month of `now`, e.g. "2026-05" (UTC)."""
    return f"{now.year:04d}-{now.month:02d}"


def start_of_next_month(now: datetime) -> datetime:
    """Midnight UTC of the first day of the month after `now`."""
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first + timedelta(days=32)).replace(day=1)


def spent_this_month(spend_month: str, spend_cents: float, now: datetime) -> float:
    """Cents spent in `now`'s month (a stored figure from an earlier month counts as zero)."""
    return spend_cents if spend_month == month_key(now) else 0.0


def budget_refusal(
    spend_month: str, spend_cents: float, cap_cents: float, max_poll_cents: float, now: datetime
) -> str:
    """Why a paid poll must not run ('' if it may): it could take spending past the cap."""
    spent = spent_this_month(spend_month, spend_cents, now)
    if spent + max_poll_cents <= cap_cents:
        return ""
    return (
        f"monthly spending cap reached: ${spent / 100:.2f} spent of ${cap_cents / 100:.2f} in "
        f"{month_key(now)}; one more poll could cost ${max_poll_cents / 100:.2f}. "
        f"Polling resumes {start_of_next_month(now).date().isoformat()} or when the cap is raised."
    )
