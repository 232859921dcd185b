"""The `Source` protocol every channel implements, and the values a poll returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from monitor.mention import Mention


@dataclass(frozen=True, slots=True)
class Rejected:
    """A payload a source could not turn into a Mention: quarantined, never dropped."""

    location: str  # where it came from: "file.jsonl:17", "reddit:t1_abc", a URL
    error: str  # what is wrong, in words a person can act on
    raw: str  # the payload as received


@dataclass(frozen=True, slots=True)
class Gap:
    """A stretch a source could not reach back over: mentions in it may be missing.

    Recorded on the channel (health page, alert) instead of being silently lost: the page bound
    per poll was hit before the source met what it had seen, or the platform cannot page back
    that far (Algolia's 1,000-hit window, a feed that only keeps its newest items).
    """

    since: datetime | None  # the newest time we know we had (None when unknown)
    until: datetime | None  # the oldest time the source reached back to (None when unknown)
    missing: int | None  # how many may be missing, when the platform says; None when unknown
    reason: str  # in words: "page bound of 5 hit", "Algolia returns at most 1,000 hits"


@dataclass(frozen=True, slots=True)
class PollResult:
    """One bounded page from a source.

    `next_cursor` is persisted only after the page is committed, so a crash re-fetches.
    `calls` counts the API requests this page cost (for budgets and the benchmarks).
    `retry_after` is set (seconds) when the platform asked us to slow down.
    """

    mentions: list[Mention]
    next_cursor: dict[str, Any]
    rejected: list[Rejected] = field(default_factory=list)
    calls: int = 1
    exhausted: bool = True  # False when more pages are waiting right now
    retry_after: float | None = None
    # What this page cost on a pay-per-read platform (X), in US cents; added to the channel row.
    cost_cents: float = 0.0
    # Stretches this poll could not reach back over (see Gap); stored with the page.
    gaps: list[Gap] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Budget:
    """A monthly spending cap of a paid channel: the pipeline refuses a poll that could pass it."""

    cap_cents: float
    max_poll_cost_cents: float  # the most one poll can cost (page sizes x price per read)


class SourceError(Exception):
    """A poll failed in a way the caller should record in the channel's health and retry later."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        rejected: list[Rejected] | None = None,
    ):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent  # e.g. missing or wrong credentials: retrying won't help
        # A malformed page the platform sent: quarantined with its raw body, then retried.
        self.rejected = list(rejected or [])


@runtime_checkable
class Source(Protocol):
    """A channel of mentions. One bounded page per call; no sleeping and no database inside."""

    name: str  # the channel key, e.g. "reddit:search:acme"
    platform: str

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        """Fetch what is new since `cursor` (an empty dict on the first poll)."""
        ...
