"""`makegood score INPUT [-o OUTPUT]`: offline scoring of a JSONL or CSV file of mentions.

One JSON object per input row, in order, on stdout (or OUTPUT): id, sentiment, complaint,
category, severity, flagged, reasons. A row that cannot be read still gets its line,
`{"id": ..., "line": N, "error": "..."}`, plus a warning on stderr naming file:line, and the
rest of the file is scored. Nothing but results goes to stdout; the progress bar (a terminal
only) and warnings go to stderr. The input is streamed: memory stays flat as it grows.
`--workers N` (default auto: one process per usable CPU) scores big files in N processes
with the same output, byte for byte (see score_parallel).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO, Any

import typer

from monitor.mention import utcnow
from monitor.records import (
    COUNT_FIELDS,
    MAX_TEXT_CHARS,
    InputFileError,
    Row,
    check_readable,
    detect_format,
    dumps_row,
    iter_rows,
    jsonl_row,
    mention_from_row,
    parse_count,
    parse_datetime,
)
from monitor.scoring import Score, age_in_hours, score_mention, score_text
from monitor.scoring.severity import VELOCITY_MIN_ENGAGEMENT
from monitor.sources.base import Rejected
from responders.cli import app

PROGRESS_EVERY = 2_000  # rows between progress-bar refreshes
MAX_WARNINGS = 50  # after this many, bad rows are only counted
WRITE_EVERY = 256  # result lines gathered before one write: fewer, larger writes
_EXACT_INT = 1 << 53  # counts below this survive parse_count's int(float(x)) unchanged


@dataclass
class ScoreStats:
    rows: int = 0
    scored: int = 0
    flagged: int = 0
    errors: int = 0


def _row_id(row: Row) -> Any:
    if row.data is not None:
        value = row.data.get("id")
        if value not in (None, ""):
            return value if isinstance(value, str | int) else str(value)
    return None


def _row_size(row: Row) -> int:
    """Roughly how many bytes of the input this row took (for the progress bar)."""
    if row.raw:
        return len(row.raw)
    if row.data:
        return sum(len(str(v)) + 1 for v in row.data.values()) + 1
    return 1


def result_line(output_id: Any, score: Score) -> str:
    """The JSON line of one scored row (no newline): exactly `dumps_row` of the result dict.

    Built by hand because it is written once per row: encoding the fixed keys and the few
    constant values again for every row would cost more than scoring a short post.
    """
    kind = type(output_id)
    if kind is str:
        id_json = encode_basestring(output_id)
    elif kind is int:
        id_json = int.__repr__(output_id)
    elif kind is bool:
        id_json = "true" if output_id else "false"
    else:
        id_json = ""
    if not id_json or type(score.sentiment) is not float:
        return dumps_row(_result_dict(output_id, score))
    return (
        f'{{"id":{id_json},"sentiment":{float.__repr__(score.sentiment)},'
        f'"complaint":{"true" if score.complaint else "false"},'
        f'"category":{_constant(score.category)},"severity":{_constant(score.severity)},'
        f'"flagged":{"true" if score.flagged else "false"},'
        f'"reasons":[{",".join(map(encode_basestring, score.reasons))}]}}'
    )


_CONSTANTS: dict[str, str] = {}


def _constant(value: str) -> str:
    encoded = _CONSTANTS.get(value)
    if encoded is None:
        encoded = _CONSTANTS[value] = encode_basestring(value)
    return encoded


def _result_dict(output_id: Any, score: Score) -> dict[str, Any]:
    return {
        "id": output_id,
        "sentiment": score.sentiment,
        "complaint": score.complaint,
        "category": score.category,
        "severity": score.severity,
        "flagged": score.flagged,
        "reasons": list(score.reasons),
    }


def score_data(
    data: dict[str, Any], number: int, brand_handles: tuple[str, ...], now: datetime
) -> Score | None:
    """Score a parsed row straight from its fields: the lean path for well-formed rows.

    The same numbers `mention_from_row` + `score_mention` would use, without building a
    Mention (or parsing the date when no velocity can come of it). None when anything is
    unusual (no text, a bad count, ...): the caller then takes the full path, so errors read
    exactly the same.
    """
    text = data.get("text")
    if type(text) is not str:
        return None
    counts = [0, 0, 0, 0]
    for i, name in enumerate(COUNT_FIELDS):
        value = data.get(name)
        if value is None:
            continue
        if type(value) is int and 0 <= value < _EXACT_INT:
            counts[i] = value
            continue
        counts[i], problem = parse_count(value, name)
        if problem:
            return None
    if "\x00" in text:
        text = text.replace("\x00", "")
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
    followers, likes, replies, reposts = counts
    age_hours = None
    if likes + 2 * replies + 3 * reposts >= VELOCITY_MIN_ENGAGEMENT:
        age_hours = age_in_hours(parse_datetime(data.get("created_at")), now)
    return score_text(
        text,
        followers=followers,
        likes=likes,
        replies=replies,
        reposts=reposts,
        age_hours=age_hours,
        brand_handles=brand_handles,
    )


def output_id(data: dict[str, Any], number: int) -> Any:
    """The id a result carries: the row's own id if it is a string or integer, else as text."""
    raw_id = data.get("id")
    if isinstance(raw_id, str | int):
        return raw_id
    return str(raw_id) if raw_id not in (None, "") else f"row-{number}"


class _Run:
    """One scoring run: the counters, the buffered output and the full path for odd rows."""

    def __init__(
        self,
        path: Path,
        out: IO[str],
        brand_handles: tuple[str, ...],
        quarantine: IO[str] | None,
        warn: Callable[[str], None] | None,
        now: datetime,
    ) -> None:
        self.path = path
        self.out = out
        self.brand_handles = brand_handles
        self.quarantine = quarantine
        self.warn = warn
        self.now = now
        self.stats = ScoreStats()
        self.lines: list[str] = []
        self.warn_limit = MAX_WARNINGS  # a worker of a parallel run warns of all; the parent caps

    def flush(self) -> None:
        if self.lines:
            self.lines.append("")  # the last line's newline
            self.out.write("\n".join(self.lines))
            self.lines.clear()

    def scored(self, data: dict[str, Any], number: int, score: Score) -> None:
        self.stats.scored += 1
        self.stats.flagged += score.flagged
        self.lines.append(result_line(output_id(data, number), score))
        if len(self.lines) >= WRITE_EVERY:
            self.flush()

    def full_path(self, row: Row) -> None:
        """A row the lean path declined: a Mention is built, or the row is kept as an error."""
        if row.data is None and row.error == "blank line":
            return  # an empty line in JSONL is not a row
        item = mention_from_row(row)
        if isinstance(item, Rejected):
            stats = self.stats
            stats.errors += 1
            self.lines.append(
                dumps_row({"id": _row_id(row), "line": row.number, "error": item.error})
            )
            if self.warn is not None and stats.errors <= self.warn_limit:
                self.warn(
                    f"{self.path}:{row.number}: {item.error} (row kept in the output as an error)"
                )
            if self.quarantine is not None:
                self.quarantine.write(
                    dumps_row({"location": item.location, "error": item.error, "raw": item.raw})
                )
                self.quarantine.write("\n")
            return
        score = score_mention(item, brand_handles=self.brand_handles, now=self.now)
        assert row.data is not None  # a Mention is only built from parsed data
        self.scored(row.data, row.number, score)


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
) -> ScoreStats:
    """Score every row of `path` into `out` as JSON lines, in order; the command's whole job.

    Raises InputFileError when the file as a whole cannot be read. `progress(n)` is called with
    the approximate number of bytes consumed since the previous call. `workers` > 1 scores in
    that many processes (same output, byte for byte) unless the file is too small to gain.
    """
    check_readable(path)
    now = now or utcnow()
    fmt = detect_format(path)
    if workers > 1:
        from responders.cli import score_parallel

        if score_parallel.worth_it(path, workers):
            run = _Run(path, out, brand_handles, quarantine, warn, now)
            stats = score_parallel.score_parallel(run, fmt, workers, progress)
            return _finish(path, stats, warn)
    run = _Run(path, out, brand_handles, quarantine, warn, now)
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


def score_jsonl_lines(
    run: _Run, lines: Iterable[bytes], number: int, progress: Callable[[int], None] | None
) -> None:
    """The JSONL loop: bytes -> dict -> score -> line, with no Row or Mention on the way.

    `lines` are raw lines of the file, the first of them line `number + 1`.
    """
    stats, path, now, handles = run.stats, run.path, run.now, run.brand_handles
    loads = json.loads
    pending = since = 0
    for raw_line in lines:
        number += 1
        stats.rows += 1
        if progress is not None:
            pending += len(raw_line)
            since += 1
            if since >= PROGRESS_EVERY:
                progress(pending)
                pending = since = 0
        try:
            # Strict UTF-8 here; a line that is not goes the full way (decoded with
            # replacement characters), exactly as before.
            data = loads(raw_line.decode())
        except ValueError:
            data = None
        if type(data) is dict:
            score = score_data(data, number, handles, now)
            if score is not None:
                run.scored(data, number, score)
                continue
        run.full_path(jsonl_row(path, number, raw_line))
    if progress is not None and pending:
        progress(pending)


def score_rows(run: _Run, rows: Iterable[Row], progress: Callable[[int], None] | None) -> None:
    """The loop for CSV (already parsed into Rows by the csv module)."""
    stats, now, handles = run.stats, run.now, run.brand_handles
    pending = since = 0
    for row in rows:
        stats.rows += 1
        if progress is not None:
            pending += _row_size(row)
            since += 1
            if since >= PROGRESS_EVERY:
                progress(pending)
                pending = since = 0
        data = row.data
        score = score_data(data, row.number, handles, now) if data is not None else None
        if score is not None:
            run.scored(data, row.number, score)  # type: ignore[arg-type]
        else:
            run.full_path(row)
    if progress is not None and pending:
        progress(pending)


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
) -> None:
    """Score a JSONL or CSV file of mentions: one JSON result per input row, in order."""
    from responders.cli.score_parallel import parse_workers

    try:
        workers = parse_workers(workers_option)
    except ValueError:
        raise _fail(f"--workers: expected a number >= 1 or auto, got {workers_option!r}") from None
    handles = tuple(h for h in brand_handle if h.strip())
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


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


__all__ = ["ScoreStats", "score_command", "score_file", "score_jsonl_lines", "score_rows"]
