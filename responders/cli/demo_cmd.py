"""`makegood demo`: the main job on the embedded default — SQLite, the bundled replay stream,
the pipeline, then the worker and the web app together."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import IngestReport, Pipeline
from monitor.ingest.sweep import poll_all
from monitor.jobs.incidents import watch_brand
from monitor.mention import utcnow
from monitor.settings import CONFIG_ENV, DEFAULT_CONFIG, Settings
from monitor.storage import models as m
from monitor.storage.engine import display_url
from responders.cli import app
from responders.cli.common import (
    ConfigOption,
    database_or_exit,
    fail,
    settings_or_exit,
    templates_or_exit,
)
from responders.cli.init_cmd import CONFIG_NAME, write_project

DEMO_FOLDER = Path("makegood-demo")  # in the current folder, made when there is no checkout
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def summarize(reports: list[IngestReport]) -> dict[str, int]:
    """Totals over a set of poll reports."""
    return {
        "fetched": sum(r.fetched for r in reports),
        "new": sum(r.new for r in reports),
        "duplicates": sum(r.duplicates for r in reports),
        "not about the brand": sum(r.unmatched for r in reports),
        "flagged": sum(r.flagged for r in reports),
        "cases opened": sum(len(r.cases_opened) for r in reports),
        "mentions attached to cases": sum(len(r.cases_attached) for r in reports),
        "quarantined": sum(r.quarantined for r in reports),
    }


def telling_mention(severity: str, mentions: list[m.Mention]) -> m.Mention:
    """The post to show for a case: the latest one of the case's severity, else its first.

    A case is ranked by its most severe post, which is often not the first one (a customer who
    writes again angrier); showing the first would put a mild text beside a "critical" badge.
    """
    of_severity = [x for x in mentions if x.severity == severity]
    return max(of_severity, key=lambda x: (x.created_at, x.id)) if of_severity else mentions[0]


def print_cases(console: Console, factory: sessionmaker[Session], limit: int = 15) -> None:
    """Show the open cases as the review queue would order them."""
    with factory() as session:
        by_severity = dict(
            session.execute(
                select(m.RecoveryCase.severity, func.count())
                .where(m.RecoveryCase.status != "closed")
                .group_by(m.RecoveryCase.severity)
            ).all()
        )
        cases = session.scalars(
            select(m.RecoveryCase)
            .where(m.RecoveryCase.status != "closed")
            .order_by(m.RecoveryCase.severity_rank.desc(), m.RecoveryCase.opened_at)
            .limit(limit)
        ).all()
        posts: dict[int, list[m.Mention]] = {case.id: [] for case in cases}
        for mention in session.scalars(
            select(m.Mention)
            .where(m.Mention.case_id.in_(list(posts)))
            .order_by(m.Mention.created_at, m.Mention.id)
        ):
            posts[mention.case_id].append(mention)
        firsts = {
            x.id: x
            for x in session.scalars(
                select(m.Mention).where(m.Mention.id.in_([c.first_mention_id for c in cases]))
            )
        }
    counts = ", ".join(
        f"{by_severity.get(s, 0)} {s}" for s in ("critical", "high", "medium", "low")
    )
    console.print(f"[bold]Open recovery cases:[/bold] {counts}")
    table = Table(show_lines=False, expand=True)
    for column in ("case", "severity", "platform", "author", "category", "posts"):
        table.add_column(column, no_wrap=True)
    table.add_column("complaint", no_wrap=True, overflow="ellipsis", ratio=1, min_width=30)
    for case in cases:
        mentions = posts[case.id] or [firsts[case.first_mention_id]]
        shown = telling_mention(case.severity, mentions)
        style = SEVERITY_STYLE.get(case.severity, "")
        table.add_row(
            str(case.id),
            f"[{style}]{case.severity}[/]" if style else case.severity,
            case.platform,
            shown.author_handle,
            case.category,
            str(len(mentions)),
            shown.text.replace("\n", " ")[:200],
        )
    console.print(table)


def run_demo_ingest(settings: Settings, console: Console) -> sessionmaker[Session]:
    """Migrate the database and play every configured channel through the pipeline."""
    _, factory = database_or_exit(settings)
    reports = poll_all(settings, Pipeline(settings, factory), drain=True, max_pages=10_000)
    errors = [r for r in reports if r.error]
    for report in errors:
        console.print(f"[red]channel {report.channel}: {report.error}[/red]")
    totals = summarize(reports)
    console.print(
        "[bold]Ingested:[/bold] " + ", ".join(f"{v} {k}" for k, v in totals.items()),
        highlight=False,
    )
    opened = watch_for_incidents(settings, factory)
    if opened:
        console.print(f"[bold red]Incidents opened:[/bold red] {len(opened)} (see /incidents)")
    print_cases(console, factory)
    return factory


def watch_for_incidents(settings: Settings, factory: sessionmaker[Session]) -> list[int]:
    """Run the spike and viral watch once over what was just ingested (the worker runs it
    only every few minutes): the ids of the incidents opened."""
    opened: list[int] = []
    with factory() as session, session.begin():
        for brand in settings.brands:
            opened += watch_brand(session, settings, brand.name, utcnow())
    return opened


def demo_config() -> Path | None:
    """The configuration to demo on when none was named: the checkout's, else a demo folder.

    Outside a checkout (an installed makegood) the bundled example is written once into
    ./makegood-demo by `makegood init`, and the demo's database and session key live there too.
    """
    if os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG.is_file():
        return None  # what every other command reads
    config = DEMO_FOLDER / CONFIG_NAME
    if not config.is_file():
        result = write_project(DEMO_FOLDER)
        if not result.ok:
            fail(f"cannot set up the demo in {DEMO_FOLDER.resolve()}: {result.error}")
    print(
        f"makegood demo: no {DEFAULT_CONFIG} here, so the bundled example runs in "
        f"{DEMO_FOLDER.resolve()} (delete that folder to start over)",
        file=sys.stderr,
    )
    return config


@app.command("demo")
def demo(
    config: Path | None = ConfigOption,
    serve: bool = typer.Option(True, help="start the worker and the web app after ingesting"),
) -> None:
    """Run the main job: ingest the bundled demo stream into SQLite, then serve the queue."""
    config = config or demo_config()
    settings = settings_or_exit(config)
    templates_or_exit(settings)
    # A pipe or log file gets a readable width instead of rich's default 80 columns.
    console = Console() if sys.stdout.isatty() else Console(width=140)
    console.print(f"[bold]makegood demo[/bold] — database: {display_url(settings.database_url)}")
    factory = run_demo_ingest(settings, console)
    if serve:
        from responders.cli.demo_serve import serve_demo

        serve_demo(settings, factory, console, config)
