"""`makegood poll`: poll every configured channel once (or until it is caught up), then exit.

stdout gets one JSON line per page (for scripts); stderr shows progress per channel as it
goes (a live status line on a terminal, plain lines otherwise) and a summary table at the end.
Exit 1 when any channel failed, 2 for bad settings or an unreachable database.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from monitor.ingest.pipeline import IngestReport, Pipeline, page_summary
from monitor.ingest.sweep import poll_all
from responders.cli import app
from responders.cli.common import (
    ConfigOption,
    LogFormatOption,
    database_or_exit,
    log_format_or_exit,
    settings_or_exit,
    setup_logging,
)

SUMMARY_COLUMNS = ("pages", "new", "duplicates", "flagged", "quarantined", "errors")


@dataclass
class ChannelTotals:
    """What all the pages of one channel added up to in this run."""

    pages: int = 0
    new: int = 0
    duplicates: int = 0
    flagged: int = 0
    quarantined: int = 0
    errors: int = 0
    last_error: str = ""

    def add(self, report: IngestReport) -> None:
        """Count one page's report."""
        self.pages += 1
        self.new += report.new
        self.duplicates += report.duplicates
        self.flagged += report.flagged
        self.quarantined += report.quarantined
        if report.error:
            self.errors += 1
            self.last_error = report.error


@dataclass
class PollProgress:
    """The per-page callback of a poll: JSON on stdout, progress on stderr, totals kept."""

    console: Console
    totals: dict[str, ChannelTotals] = field(default_factory=dict)
    status: object | None = None  # rich Status while a terminal shows the live line

    def __call__(self, report: IngestReport) -> None:
        """Show one stored page (called by poll_all as soon as the page is stored)."""
        typer.echo(json.dumps(page_summary(report)))
        sys.stdout.flush()  # a pipe reader sees each page as it comes, not at the end
        totals = self.totals.setdefault(report.channel, ChannelTotals())
        totals.add(report)
        line = (
            f"{report.channel}: page {totals.pages}, {totals.new} new, "
            f"{totals.duplicates} duplicates, {totals.flagged} flagged, "
            f"{totals.quarantined} quarantined"
        )
        if report.error:
            line += f", failed: {report.error}"
        if self.status is not None:
            self.status.update(f"polling {line}")  # type: ignore[attr-defined]
            if report.error:
                self.console.print(line, markup=False, highlight=False)
        else:
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def summary(self) -> Table:
        """The table of every channel's totals."""
        table = Table(title="poll summary")
        table.add_column("channel")
        for column in SUMMARY_COLUMNS:
            table.add_column(column, justify="right")
        table.add_column("last error")
        for channel, totals in self.totals.items():
            counts = [str(getattr(totals, column)) for column in SUMMARY_COLUMNS]
            table.add_row(channel, *counts, totals.last_error)
        return table

    @property
    def failed(self) -> bool:
        """Whether any channel failed on any page."""
        return any(t.errors for t in self.totals.values())


@app.command("poll")
def poll(
    config: Path | None = ConfigOption,
    drain: bool = typer.Option(False, help="keep polling each channel until it is caught up"),
    max_pages: int = typer.Option(1000, help="at most this many pages per channel"),
    log_format: str = LogFormatOption,
) -> None:
    """Poll every configured channel once and store what is new."""
    if log_format_or_exit(log_format) == "json":
        setup_logging(log_format="json")  # text: warnings print as they always have
    settings = settings_or_exit(config)
    _, factory = database_or_exit(settings)
    pipeline = Pipeline(settings, factory)
    console = Console(stderr=True)
    progress = PollProgress(console)
    if console.is_terminal:
        with console.status("polling ...") as status:
            progress.status = status
            poll_all(settings, pipeline, drain, max_pages, on_page=progress)
        progress.status = None
    else:
        poll_all(settings, pipeline, drain, max_pages, on_page=progress)
    console.print(progress.summary())
    raise typer.Exit(1 if progress.failed else 0)
