"""`makegood poll`: poll every configured channel once (or until it is caught up), then exit."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from monitor.ingest.pipeline import Pipeline, page_summary
from monitor.ingest.sweep import poll_all
from responders.cli import app
from responders.cli.common import ConfigOption, database_or_exit, settings_or_exit


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
