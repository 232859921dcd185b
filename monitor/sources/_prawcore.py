"""prawcore without its own retries: the Reddit source and the Reddit publisher share this."""

from __future__ import annotations

from typing import Any

from prawcore.sessions import RetryStrategy

_CORES = ("_core", "_read_only_core", "_authorized_core")  # praw's sessions, one per auth mode


class NoRetry(RetryStrategy):
    """A prawcore retry strategy that never retries and never sleeps.

    prawcore retries timeouts and 5xx by itself: inside a poll that sleeps where the pipeline
    should back off, and for a POST a re-sent request could post twice. Retries are the
    pipeline's and the outbox's (which reconciles first).
    """

    def _sleep_seconds(self) -> float | None:
        return None

    def consume_available_retry(self) -> NoRetry:
        """Nothing to consume: there is never a retry."""
        return self

    def should_retry_on_failure(self) -> bool:
        """Never."""
        return False


def disable_retries(reddit: Any) -> None:
    """Make every prawcore session of a praw.Reddit use NoRetry."""
    for attr in _CORES:
        core = getattr(reddit, attr, None)
        if core is not None:
            core._retry_strategy_class = NoRetry


def skip_rate_sleep(reddit: Any) -> None:
    """Clear prawcore's next-request time so it never sleeps before a request (we pace)."""
    for attr in _CORES:
        core = getattr(reddit, attr, None)
        if core is not None:
            core._rate_limiter.next_request_timestamp_ns = None
