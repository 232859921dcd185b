"""One sweep over every configured channel in this process, without leases (poll, demo)."""

from __future__ import annotations

from monitor.ingest.pipeline import IngestReport, Pipeline
from monitor.settings import Settings
from monitor.sources import SourceError, build_source, channel_key


def poll_all(
    settings: Settings, pipeline: Pipeline, drain: bool, max_pages: int
) -> list[IngestReport]:
    """Poll each enabled channel; with `drain`, keep polling while pages are full."""
    reports: list[IngestReport] = []
    for brand in settings.brands:
        for channel in brand.channels:
            if not channel.enabled:
                continue
            try:
                source = build_source(brand, channel)
            except SourceError as exc:
                reports.append(IngestReport(channel=channel_key(brand, channel), error=str(exc)))
                continue
            for _ in range(max_pages):
                report = pipeline.poll_channel(brand, channel, source, force=True)
                reports.append(report)
                if report.error or report.exhausted or not drain:
                    break
    return reports
