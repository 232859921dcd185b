"""A token bucket per API token, in memory: `burst` requests at once, then `per_minute` sustained.

Per process, on purpose: no shared store to run or to fail. With N web workers a token may make
up to N times the rate; size `web.api_requests_per_minute` for that. Memory is bounded: at most
`max_keys` buckets are kept, the least recently used dropped first (a dropped bucket starts full,
which only ever errs towards letting a request through).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class Bucket:
    """How many requests are left, as of `at` (a monotonic time)."""

    tokens: float
    at: float


class RateLimiter:
    """Token buckets by key; `take(key)` spends one request or says how long to wait."""

    def __init__(
        self,
        per_minute: int,
        burst: int,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = per_minute / 60.0  # requests regained per second
        self.burst = float(burst)
        self.max_keys = max_keys
        self.clock = clock
        self.buckets: OrderedDict[object, Bucket] = OrderedDict()
        # Routes run in a thread pool: two requests of one token must not both spend its last one.
        self.lock = threading.Lock()

    def take(self, key: object) -> float:
        """Spend one request of `key`: 0.0 when allowed, else the seconds until one is regained."""
        now = self.clock()
        with self.lock:
            bucket = self.buckets.get(key)
            if bucket is None:
                bucket = self.buckets[key] = Bucket(self.burst, now)
                while len(self.buckets) > self.max_keys:
                    self.buckets.popitem(last=False)
            else:
                bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
                bucket.at = now
                self.buckets.move_to_end(key)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate


def retry_after(wait: float) -> str:
    """The Retry-After header for a wait: whole seconds, rounded up, at least 1."""
    return str(max(1, math.ceil(wait)))
