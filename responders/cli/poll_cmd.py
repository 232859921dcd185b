"""`makegood poll`: poll every configured channel once (or until it is caught up), then exit."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from monitor.ingest.pipeline import IngestReport, Pipeline, page_summary
from monitor.settings import Settings
from monitor.sources import SourceError, build_source, channel_key
from responders.cli import app
from responders.cli.common import ConfigOption, database_or_exit, settings_or_exit


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


@app.command("poll")
def poll(
    config: Path | None = ConfigOption,
    drain: bool = typer.Option(False, help="keep polling each channel until it is caught up"),
    max_pages: int = typer.Option(1000, help="at most this many pages per channel"),
) -> None:
    """Poll every configured channel once and store what is new."""
    settings = settings_or_exit(config)
    _, factory = database_or_exit(settings)
    pipeline = Pipeline(settings, factory)
    failed = False
    for report in poll_all(settings, pipeline, drain, max_pages):
        typer.echo(json.dumps(page_summary(report)))
        failed = failed or bool(report.error)
    raise typer.Exit(1 if failed else 0)
