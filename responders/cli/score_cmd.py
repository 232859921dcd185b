"""`makegood score INPUT [-o OUTPUT]`: offline scoring of a JSONL or CSV file of mentions.

One JSON object per input row, in order, on stdout (or OUTPUT): id, sentiment, complaint,
category, severity, flagged, reasons. A row that cannot be read still gets its line,
`{"id": ..., "line": N, "error": "..."}`, plus a warning on stderr naming file:line, and the
rest of the file is scored. Nothing but results goes to stdout; the progress bar (a terminal
only) and warnings go to stderr. The input is streamed: memory stays flat as it grows.
`--workers N` (default auto: one process per usable CPU) scores big files in N processes
with the same output, byte for byte (see score_parallel); the row loops are in score_run.
`--model MODEL` (a `makegood train` file, or `default`) adds the learned layer: the model's
flag and `probability`, and reasons naming the learned terms (see score_learned).

Exit codes: 0 every row scored; 1 some rows rejected (each still has its line); 2 the file as
a whole unreadable (missing, empty, binary, no text column) or bad arguments, such as `-o` or
`--quarantine` naming the input file itself (refused before anything is opened for writing).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO

import typer

from monitor.learned import LearnedModel
from monitor.mention import utcnow
from monitor.records import InputFileError, check_readable, detect_format, iter_rows
from responders.cli import app
from responders.cli.score_run import (
    MAX_WARNINGS,
    ScoreRun,
    ScoreStats,
    score_jsonl_lines,
    score_rows,
)


def score_file(
    path: Path,
    out: IO[str],
    *,
    brand_handles: tuple[str, ...] = (),
    quarantine: IO[str] | None = None,
    warn: Callable[[str], None] | None = None,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
    workers: int = 1,
    model: LearnedModel | None = None,
) -> ScoreStats:
    """Score every row of `path` into `out` as JSON lines, in order; the command's whole job.

    Raises InputFileError when the file as a whole cannot be read. `progress(n)` is called with
    the approximate number of bytes consumed since the previous call. `workers` > 1 scores in
    that many processes (same output, byte for byte) unless the file is too small to gain.
    `model` adds the learned layer (score_learned): its flag, `probability` and terms.
    """
    check_readable(path)
    now = now or utcnow()
    fmt = detect_format(path)
    run = ScoreRun(path, out, brand_handles, quarantine, warn, now)
    if model is not None:
        from responders.cli.score_learned import LearnedHook

        run.learned = LearnedHook(model, brand_handles)
    if workers > 1:
        from responders.cli import score_parallel

        if score_parallel.worth_it(path, workers):
            stats = score_parallel.score_parallel(run, fmt, workers, progress)
            return _finish(path, stats, warn)
    try:
        if fmt == "jsonl":
            with path.open("rb") as fh:
                score_jsonl_lines(run, fh, 0, progress)
        else:
            score_rows(run, iter_rows(path, "csv"), progress)
    finally:
        run.flush()
    return _finish(path, run.stats, warn)


def _finish(path: Path, stats: ScoreStats, warn: Callable[[str], None] | None) -> ScoreStats:
    if warn is not None and stats.errors > MAX_WARNINGS:
        warn(f"{path}: {stats.errors - MAX_WARNINGS} more bad rows not listed")
    return stats


def _same_file(a: Path, b: Path) -> bool:
    """Whether `a` and `b` are one file: one path, or linked (symbolic or hard) to one inode."""
    if os.path.abspath(a) == os.path.abspath(b):
        return True
    try:
        sa, sb = a.stat(), b.stat()
    except OSError:  # one of them does not exist (yet): not the same file
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def overwrite_problem(input_path: Path, output: Path | None, quarantine: Path | None) -> str:
    """Why these output paths would overwrite the input or each other; empty when they do not."""
    for option, target in (("--output", output), ("--quarantine", quarantine)):
        if target is not None and _same_file(input_path, target):
            return f"{option} {target} is the input file {input_path}: refusing to overwrite it"
    if output is not None and quarantine is not None and _same_file(output, quarantine):
        return f"--output and --quarantine name the same file {output}"
    return ""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"makegood score: {message}", err=True)
    return typer.Exit(code=2)


@app.command("score")
def score_command(
    input_path: Path = typer.Argument(..., metavar="INPUT", help="JSONL or CSV of mentions."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the results here instead of stdout."
    ),
    brand_handle: list[str] = typer.Option(
        [], "--brand-handle", help="The brand's own handle, e.g. @acme (repeatable)."
    ),
    quarantine: Path | None = typer.Option(
        None, "--quarantine", help="Also write rejected rows with their raw payload (JSONL)."
    ),
    workers_option: str = typer.Option(
        "auto",
        "--workers",
        metavar="N",
        help="Processes to score with: a number, or auto (one per usable CPU). Same output.",
    ),
    model_option: str | None = typer.Option(
        None,
        "--model",
        metavar="MODEL",
        help="A model from `makegood train` (or `default`): adds probability and learned terms.",
    ),
) -> None:
    """Score a JSONL or CSV file of mentions: one JSON result per input row, in order."""
    from responders.cli.score_parallel import parse_workers

    try:
        workers = parse_workers(workers_option)
    except ValueError:
        raise _fail(f"--workers: expected a number >= 1 or auto, got {workers_option!r}") from None
    handles = tuple(h for h in brand_handle if h.strip())
    model = None
    if model_option is not None:
        from monitor.learned import ModelFileError
        from responders.cli.score_learned import model_from_option

        try:
            model = model_from_option(model_option)
        except ModelFileError as exc:
            raise _fail(f"--model: {exc}") from None
    problem = overwrite_problem(input_path, output, quarantine)
    if problem:
        raise _fail(problem)
    try:
        size = input_path.stat().st_size if input_path.is_file() else 0
    except OSError:
        size = 0
    out_fh: IO[str] | None = None
    quarantine_fh: IO[str] | None = None
    bar = None
    try:
        try:
            out_fh = (
                output.open("w", encoding="utf-8", newline="\n")
                if output is not None
                else sys.stdout
            )
            if quarantine is not None:
                quarantine_fh = quarantine.open("w", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise _fail(f"{exc.filename or output}: cannot write: {exc.strerror}") from None
        progress = None
        if sys.stderr.isatty() and size > 0:
            from rich.progress import Progress

            bar = Progress(transient=True, console=_stderr_console())
            task = bar.add_task(f"scoring {input_path.name}", total=size)

            def progress(n: int) -> None:
                # Started on first use: its refresh thread then comes after any worker
                # processes are forked (forking a process with threads is unsafe).
                if not bar.live.is_started:
                    bar.start()
                bar.advance(task, n)

        try:
            stats = score_file(
                input_path,
                out_fh,
                brand_handles=handles,
                quarantine=quarantine_fh,
                warn=lambda message: typer.echo(f"warning: {message}", err=True),
                progress=progress,
                workers=workers,
                model=model,
            )
        except InputFileError as exc:
            raise _fail(str(exc)) from None
        except OSError as exc:
            raise _fail(f"{input_path}: cannot read: {exc.strerror or exc}") from None
        out_fh.flush()
    finally:
        if bar is not None:
            bar.stop()
        if output is not None and out_fh is not None:
            out_fh.close()
        if quarantine_fh is not None:
            quarantine_fh.close()
    if bar is not None or output is not None:
        typer.echo(
            f"scored {stats.scored:,} rows ({stats.flagged:,} flagged, {stats.errors:,} bad)",
            err=True,
        )
    if stats.errors:
        raise typer.Exit(code=1)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


__all__ = ["score_command", "score_file"]
