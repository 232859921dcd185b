"""`makegood import FILE --brand NAME`: backfill a historical export through the whole pipeline.

The file (JSONL or CSV, the `makegood score` format) is matched, scored and stored page by page
with the brand's cases and alerts, exactly as a live channel's pages are. A progress bar with
rows/s and an ETA goes to stderr (a terminal only; plain lines otherwise); one JSON summary line
goes to stdout at the end. Ctrl-C (or a crash) loses at most the page being stored: running the
same command again continues after the last stored page, storing nothing twice.
`--no-cases-older-than DAYS` stores and scores older posts but opens no case and raises no alert
for them, so history does not flood today's queue.

Exit codes: 0 every row stored or recognized; 1 some rows quarantined (see the quarantine
table); 2 bad arguments, an unreadable file, unknown brand, or the database unreachable;
130 interrupted (run it again to continue).
"""

from __future__ import annotations

import dataclasses
import json
import time
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from monitor.ingest.backfill import DEFAULT_PAGE_SIZE, ImportProgress, import_file
from monitor.records import InputFileError
from monitor.settings import BrandSettings, Settings
from monitor.sources.base import SourceError
from responders.cli import app
from responders.cli.common import ConfigOption, database_or_exit, fail, settings_or_exit


def brand_or_exit(settings: Settings, name: str) -> BrandSettings:
    """The configured brand called `name` (any case), or exit naming the brands there are."""
    for brand in settings.brands:
        if brand.name.lower() == name.strip().lower():
            return brand
    known = ", ".join(b.name for b in settings.brands) or "none"
    fail(f"no brand named {name!r} in the configuration (configured: {known})")


class ProgressLine:
    """The per-page callback: a rich bar on a terminal, a plain line a page otherwise."""

    def __init__(self, console: Console, bar: Progress | None):
        self.console = console
        self.bar = bar
        self.task = None
        self.started = time.perf_counter()

    def rate(self, done: ImportProgress) -> float:
        """Rows per second of this run so far."""
        return done.rows / max(time.perf_counter() - self.started, 1e-9)

    def __call__(self, done: ImportProgress) -> None:
        """Show one stored page."""
        fields = {
            "rate": f"{self.rate(done):,.0f} rows/s",
            "counts": _counts(done),
            "short": f"{done.new:,} new, {done.opened:,} cases",
        }
        if self.bar is not None:
            if self.task is None:
                self.task = self.bar.add_task("import", total=done.size, **fields)
                self.bar.update(self.task, completed=done.resumed_at)
            self.bar.update(self.task, completed=done.position, **fields)
        else:
            share = done.position / done.size if done.size else 1.0
            self.console.print(
                f"{done.key}: {share:.0%} of the file, {fields['rate']}, {fields['counts']}",
                markup=False, highlight=False, soft_wrap=True,
            )  # fmt: skip


def _counts(done: ImportProgress) -> str:
    return (
        f"{done.rows:,} rows: {done.new:,} new, {done.duplicates:,} duplicates,"
        f" {done.flagged:,} flagged, {done.opened:,} cases opened,"
        f" {done.quarantined:,} quarantined"
    )


def _bar(console: Console) -> Progress:
    return Progress(
        TextColumn("import"),
        BarColumn(),
        TaskProgressColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rate]}"),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[short]}"),
        console=console,
        transient=False,
    )


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="JSONL or CSV export (the `makegood score` format)"),
    brand: str = typer.Option(..., "--brand", help="the configured brand the posts are about"),
    channel: str = typer.Option(
        "",
        "--channel",
        help="name of this import (its cursor, the mentions' channel); default: the file's name",
    ),
    no_cases_older_than: float | None = typer.Option(
        None,
        "--no-cases-older-than",
        metavar="DAYS",
        min=0,
        help="posts older than DAYS are stored and scored but open no case and send no alert",
    ),
    page_size: int = typer.Option(DEFAULT_PAGE_SIZE, min=1, max=10_000, help="rows per page"),
    config: Path | None = ConfigOption,
) -> None:
    """Backfill a historical export: resumable, nothing stored twice."""
    settings = settings_or_exit(config)
    chosen = brand_or_exit(settings, brand)
    _, factory = database_or_exit(settings)
    console = Console(stderr=True)
    bar = _bar(console) if console.is_terminal else None
    show = ProgressLine(console, bar)
    age = timedelta(days=no_cases_older_than) if no_cases_older_than is not None else None
    try:
        with bar if bar is not None else nullcontext():
            done = import_file(
                settings, factory, chosen, file, channel=channel, page_size=page_size,
                no_cases_older_than=age, on_page=show,
            )  # fmt: skip
    except (InputFileError, SourceError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        console.print(
            "interrupted: every page stored so far is kept; run the same command again to"
            " continue where it stopped", markup=False, highlight=False,
        )  # fmt: skip
        raise typer.Exit(130) from None
    summary = dataclasses.asdict(done) | {"rows_per_s": round(show.rate(done), 1)}
    typer.echo(json.dumps(summary))
    console.print(
        f"{done.key}: done, {_counts(done)}", markup=False, highlight=False, soft_wrap=True
    )
    raise typer.Exit(1 if done.quarantined else 0)
