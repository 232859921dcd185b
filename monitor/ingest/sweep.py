"""One sweep over every configured channel in this process, without leases (poll, demo)."""

from __future__ import annotations

import time
from collections.abc import Callable

from monitor import poll_stats
from monitor.ingest.pipeline import IngestReport, Pipeline
from monitor.log_context import bound
from monitor.mention import utcnow
from monitor.secrets import mask_known
from monitor.settings import Settings
from monitor.sources import SourceError, build_source, channel_key


def poll_all(
    settings: Settings,
    pipeline: Pipeline,
    drain: bool,
    max_pages: int,
    on_page: Callable[[IngestReport], None] | None = None,
) -> list[IngestReport]:
    """Poll each enabled channel; with `drain`, keep polling while pages are full.

    `on_page`, if given, is called with each report as soon as its page is stored (the CLI
    shows progress with it; monitor itself draws nothing).
    """
    reports: list[IngestReport] = []

    def keep(report: IngestReport) -> None:
        reports.append(report)
        if on_page is not None:
            on_page(report)

    for brand in settings.brands:
        for channel in brand.channels:
            if not channel.enabled:
                continue
            try:
                source = build_source(brand, channel)
            except Exception as exc:  # a channel that cannot be built is that channel's failure
                error = str(exc) if isinstance(exc, SourceError) else f"{type(exc).__name__}: {exc}"
                keep(IngestReport(channel=channel_key(brand, channel), error=mask_known(error)))
                continue
            key, started, run = channel_key(brand, channel), time.monotonic(), []
            with bound(channel=key, brand=brand.name):
                for _ in range(max_pages):
                    report = pipeline.poll_channel(brand, channel, source, force=True)
                    keep(report)
                    run.append(report)
                    if report.error or report.exhausted or not drain:
                        break
                elapsed = time.monotonic() - started
                poll_stats.record_run(pipeline.factory, key, brand.name, run, elapsed, utcnow())
    return reports
