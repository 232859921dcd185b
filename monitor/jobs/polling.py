"""The poll job: one channel under its lease, draining full pages, at most once per interval."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from monitor import leases, poll_stats
from monitor.ingest.pipeline import IngestReport
from monitor.jobs.context import JobContext, find_channel
from monitor.log_context import bound
from monitor.mention import utcnow
from monitor.settings import BrandSettings, ChannelSettings
from monitor.sources import Source, SourceError, build_source, channel_key
from monitor.sources.base import PollResult

log = logging.getLogger(__name__)


class _BrokenSource:
    """Stands in for a source that could not be built, so the failure is recorded like a poll's."""

    def __init__(self, name: str, platform: str, error: SourceError):
        self.name = name
        self.platform = platform
        self.error = error

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        """Raise the construction error every time."""
        raise self.error


def source_for(ctx: JobContext, brand: BrandSettings, channel: ChannelSettings) -> Source:
    """The channel's source, built once per process (clients keep their sessions)."""
    key = channel_key(brand, channel)
    if key not in ctx.sources:
        try:
            ctx.sources[key] = build_source(brand, channel)
        except SourceError as exc:
            return _BrokenSource(key, channel.type, exc)
    return ctx.sources[key]


def poll_channel(ctx: JobContext, key: str, owner: str) -> list[IngestReport] | None:
    """Poll one channel under its lease, draining full pages; None when another worker has it."""
    found = find_channel(ctx.settings, key)
    if found is None:
        log.warning("poll job for %s: the channel is no longer configured", key)
        return []
    brand, channel = found
    if not channel.enabled:
        return []
    lease = f"poll:{key}"
    seconds = ctx.settings.worker.lease_seconds
    now = utcnow()
    # "Done within 80% of the interval" means another worker polled it this round: skip.
    recently = now - timedelta(seconds=channel.interval_seconds * 0.8)
    with (
        bound(channel=key, brand=brand.name),
        leases.held(ctx.factory, lease, owner, seconds, now, not_done_since=recently) as mine,
    ):
        if not mine:
            return None
        reports: list[IngestReport] = []
        started = time.monotonic()
        source = source_for(ctx, brand, channel)
        for _ in range(ctx.settings.worker.max_pages_per_run):
            report = ctx.pipeline.poll_channel(brand, channel, source)
            reports.append(report)
            if report.error or report.skipped or report.exhausted:
                break
            with ctx.factory() as session, session.begin():
                if not leases.renew(session, lease, owner, seconds, utcnow()):
                    break  # our lease ran out and someone else took over: stop here
        elapsed = time.monotonic() - started
        poll_stats.record_run(ctx.factory, key, brand.name, reports, elapsed, utcnow())
        log_run(key, reports, elapsed)
        return reports


def log_run(key: str, reports: list[IngestReport], seconds: float) -> None:
    """One info line for a run that read posts: what this worker did with channel `key`.

    With several workers, each one's log shows which channels and pages it polled; on a source
    whose pages do not overlap (a replay file, an export), duplicates there mean a page was read
    twice.
    """
    polled = poll_stats.polled_pages(reports)
    if not any(r.fetched for r in polled):
        return
    log.info(
        "polled %s: %d pages, %d fetched, %d new, %d duplicates, %d flagged in %.2f s",
        key,
        len(polled),
        sum(r.fetched for r in polled),
        sum(r.new for r in polled),
        sum(r.duplicates for r in polled),
        sum(r.flagged for r in polled),
        seconds,
    )
