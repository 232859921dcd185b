"""The refresh job: re-read the engagement of open negative mentions, under the "refresh" lease."""

from __future__ import annotations

from monitor import leases
from monitor.jobs.context import context, worker_id
from monitor.jobs.polling import source_for
from monitor.mention import utcnow
from monitor.refresh import refresh_engagement
from monitor.sources import channel_key


def refresh_job(config_path: str) -> None:
    """Scheduler entry point: re-read engagement of every enabled channel's open negatives."""
    ctx = context(config_path)
    now = utcnow()
    seconds = ctx.settings.worker.lease_seconds
    with leases.held(ctx.factory, "refresh", worker_id(), seconds, now) as mine:
        if not mine:
            return
        sources = {
            channel_key(b, c): source_for(ctx, b, c)
            for b in ctx.settings.brands
            for c in b.channels
            if c.enabled
        }
        refresh_engagement(ctx.settings, ctx.factory, sources, now)
