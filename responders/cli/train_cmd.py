"""`makegood train LABELS -o MODEL`: fit a learned flag model to a labeled JSONL or CSV table.

Rows need `text` and `label` (1/true/complaint/yes for a post to flag, 0/false/no for one
not to). A bad row gets a warning naming file:line and is skipped and counted; the model is
written only when something usable remains. Exit codes as `makegood score`: 0 every row used,
1 some rows skipped (the model is still written), 2 the file unreadable, no usable rows, only
one label, or bad arguments.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from monitor.learned.labels import read_labels
from monitor.records import InputFileError
from responders.cli import app

MAX_WARNINGS = 50


def _fail(message: str) -> typer.Exit:
    typer.echo(f"makegood train: {message}", err=True)
    return typer.Exit(code=2)


@app.command("train")
def train_command(
    labels_path: Path = typer.Argument(..., metavar="LABELS", help="JSONL or CSV: text, label."),
    output: Path = typer.Option(..., "--output", "-o", help="Write the model (JSON) here."),
    brand_handle: list[str] = typer.Option(
        [], "--brand-handle", help="The brand's own handle, e.g. @acme (repeatable)."
    ),
) -> None:
    """Train a learned flag model from labeled posts; use it with `makegood score --model`."""
    if output.exists() and output.resolve() == labels_path.resolve():
        raise _fail(f"--output {output} is the labels file: refusing to overwrite it")
    try:
        found = read_labels(labels_path)
    except InputFileError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{labels_path}: cannot read: {exc.strerror or exc}") from None
    for message in found.problems[:MAX_WARNINGS]:
        typer.echo(f"warning: {message} (row skipped)", err=True)
    if len(found.problems) > MAX_WARNINGS:
        typer.echo(
            f"warning: {labels_path}: {len(found.problems) - MAX_WARNINGS} more bad rows"
            " not listed",
            err=True,
        )
    if not found.texts:
        raise _fail(f"{labels_path}: no usable rows ({len(found.problems)} bad)")
    if len(set(found.labels)) < 2:
        raise _fail(f"{labels_path}: every usable row has the same label; need both 0 and 1")
    from rich.console import Console
    from rich.progress import Progress

    from monitor.learned.train import fit

    handles = tuple(h for h in brand_handle if h.strip())
    with Progress(
        console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty()
    ) as bar:
        task = bar.add_task(f"training on {labels_path.name}", total=len(found.texts))
        model = fit(
            found.texts,
            found.labels,
            brand_handles=handles,
            training={"labels_file": labels_path.name, "skipped_rows": len(found.problems)},
            progress=lambda n: bar.advance(task, n),
        )
    try:
        model.save(output)
    except OSError as exc:
        raise _fail(f"{output}: cannot write: {exc.strerror or exc}") from None
    typer.echo(
        f"trained on {len(found.texts):,} rows ({sum(found.labels):,} to flag,"
        f" {len(found.problems):,} bad rows skipped); model written to {output}",
        err=True,
    )
    if found.problems:
        raise typer.Exit(code=1)


__all__ = ["train_command"]
