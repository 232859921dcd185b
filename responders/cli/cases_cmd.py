"""`makegood cases list|export|report`: recovery cases on the terminal and as CSV."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import typer

from monitor.mention import utcnow
from monitor.storage import models as m
from responders.cases.periods import parse_when
from responders.cases.reports import case_rows, load_report, report_csv, write_csv
from responders.cli import app
from responders.cli.common import ConfigOption, database_or_exit, fail, settings_or_exit

cases_app = typer.Typer(help="Recovery cases: list, export as CSV, report.", no_args_is_help=True)
app.add_typer(cases_app, name="cases")


def parse_since(value: str | None) -> datetime | None:
    """'2026-01-31', an ISO time, or '7d'/'12h' ago; None when not given."""
    when = parse_when(value, utcnow())
    if not when.ok:
        fail(f"--since: {when.error}")
    return when.value


def _threshold(settings: Any, brand: str | None) -> float:
    if brand:
        try:
            return float(settings.brand(brand).win_back_threshold)
        except KeyError:
            fail(f"--brand: no brand {brand!r} in the configuration")
    return float(settings.brands[0].win_back_threshold)


@cases_app.command("list")
def list_cases(
    config: Path | None = ConfigOption,
    brand: str | None = typer.Option(None, help="only this brand"),
    status: str | None = typer.Option(None, help="open, responded, follow_up, closed..."),
    since: str | None = typer.Option(None, help="opened since: 2026-01-31, or 7d / 12h"),
    limit: int = typer.Option(50, min=1, help="at most this many, newest first"),
) -> None:
    """List recovery cases, newest first."""
    settings = settings_or_exit(config)
    if status and status not in m.CASE_STATUSES:
        fail(f"--status: unknown {status!r}; one of {', '.join(m.CASE_STATUSES)}")
    engine, factory = database_or_exit(settings)
    with factory() as session:
        rows = case_rows(session, brand, parse_since(since), status, _threshold(settings, brand))
    engine.dispose()
    header = (
        f"{'id':>6}  {'status':<17} {'severity':<8} {'opened (UTC)':<16}  {'1st reply':>9}  author"
    )
    print(header)
    for row in rows[:limit]:
        minutes = row["response_minutes"]
        shown = "-" if minutes is None else f"{minutes:.0f}m"
        print(
            f"{row['id']:>6}  {row['status']:<17} {row['severity']:<8}"
            f" {row['opened_at'][:16].replace('T', ' '):<16}  {shown:>9}  {row['author']}"
        )
    if len(rows) > limit:
        print(f"... {len(rows) - limit} more (use --limit)", file=sys.stderr)


@cases_app.command("export")
def export_cases(
    config: Path | None = ConfigOption,
    brand: str | None = typer.Option(None, help="only this brand"),
    since: str | None = typer.Option(None, help="opened since: 2026-01-31, or 7d / 12h"),
    output: Path | None = typer.Option(None, "-o", "--output", help="CSV file (default stdout)"),
) -> None:
    """Export recovery cases as CSV (one row per case, with timing, outcome and win-back)."""
    settings = settings_or_exit(config)
    engine, factory = database_or_exit(settings)
    with factory() as session:
        rows = case_rows(
            session, brand, parse_since(since), None, _threshold(settings, brand),
            settings.calendar_for,
        )  # fmt: skip
    engine.dispose()
    if output is None:
        write_csv(rows, sys.stdout)
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as fh:
            write_csv(rows, fh)
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror}")
    print(f"{len(rows)} cases written to {output}", file=sys.stderr)


@cases_app.command("report")
def report(
    config: Path | None = ConfigOption,
    brand: str | None = typer.Option(None, help="only this brand"),
    days: int = typer.Option(30, min=1, help="the period: the last N days (vs the N before)"),
) -> None:
    """Recovery figures of the last N days as CSV (metric,value)."""
    settings = settings_or_exit(config)
    engine, factory = database_or_exit(settings)
    now = utcnow()
    with factory() as session:
        start, threshold = now - timedelta(days=days), _threshold(settings, brand)
        figures = load_report(session, brand, start, now, threshold, now, settings.calendar_for)
    engine.dispose()
    sys.stdout.write(report_csv(figures))
