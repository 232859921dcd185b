"""`makegood models list|activate|retrain`: each brand's learned model versions from the shell."""

from __future__ import annotations

from pathlib import Path

import typer

from monitor.learned.retrain import retrain_all
from monitor.learned.versions import Summary, list_versions, summarize
from responders.cli import app
from responders.cli.common import ConfigOption, database_or_exit, fail, settings_or_exit
from responders.staff.model_versions import activate_version

models_app = typer.Typer(help="Each brand's learned flag models: list, roll back, retrain.")
app.add_typer(models_app, name="models")


def _f1(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "-"


def line(s: Summary) -> str:
    """One version as a tab-separated line (the `list` output)."""
    return "\t".join(
        [
            f"#{s.id}",
            s.brand,
            f"v{s.version}",
            s.status,
            f"{s.labels_used} labels",
            f"macro {_f1(s.macro_f1)}",
            f"complaint {_f1(s.complaint_f1)}",
            f"vs {s.baseline or '-'} {_f1(s.baseline_macro_f1)}/{_f1(s.baseline_complaint_f1)}",
            s.created_at.strftime("%Y-%m-%d %H:%M UTC") if s.created_at else "",
        ]
    )


@models_app.command("list")
def list_cmd(
    brand: str | None = typer.Option(None, "--brand", help="only this brand's versions"),
    config: Path | None = ConfigOption,
) -> None:
    """List model versions, newest first per brand, with their held-back figures."""
    settings = settings_or_exit(config)
    _, factory = database_or_exit(settings)
    with factory() as session:
        found = [summarize(v) for v in list_versions(session, brand)]
    if not found:
        typer.echo("no model versions yet", err=True)
    for summary in found:
        typer.echo(line(summary))


@models_app.command("activate")
def activate_cmd(
    version_id: int = typer.Argument(..., help="the version's #id from `makegood models list`"),
    config: Path | None = ConfigOption,
) -> None:
    """Make an earlier version its brand's active model (a rollback); audited as 'system'."""
    settings = settings_or_exit(config)
    _, factory = database_or_exit(settings)
    with factory() as session, session.begin():
        result = activate_version(session, version_id, None)
        if not result.ok or result.value is None:
            fail(result.error, 1)
        done = f"{result.value.brand} v{result.value.version}"
    typer.echo(f"{done} is now the active model")


@models_app.command("retrain")
def retrain_cmd(
    force: bool = typer.Option(
        False, "--force", help="train when any label changed, even fewer than retrain_after_labels"
    ),
    config: Path | None = ConfigOption,
) -> None:
    """Run the worker's retraining job now for every brand with learned = "brand"."""
    settings = settings_or_exit(config)
    _, factory = database_or_exit(settings)
    outcomes = retrain_all(settings, factory, "cli", force=force)
    if not outcomes:
        typer.echo('no brand has learned = "brand"', err=True)
    for o in outcomes:
        version = f" v{o.version}" if o.version else ""
        typer.echo(f"{o.brand}\t{o.status}{version}\t{o.detail}")
