"""`makegood score --workers N`: the input scored by a pool of processes, output in input order.

The parent reads the file in chunks (whole JSONL lines, or parsed CSV rows), hands each chunk
to a worker process, and writes the results back in input order as they return. At most
`IN_FLIGHT_PER_WORKER` chunks per worker are out at once, so memory stays flat however large
the input. A worker scores its chunk with the single-process code (`score_run`) into memory and
returns the result text, the quarantine text and its warnings; the parent applies the warning
cap across the whole file, so stdout, stderr, quarantine and the counts are byte for byte those
of `--workers 1`.
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import Any

from monitor.records import Row, iter_rows
from responders.cli.common import usable_cpus
from responders.cli.score_run import (
    MAX_WARNINGS,
    ScoreRun,
    ScoreStats,
    row_size,
    score_jsonl_lines,
    score_rows,
)

CHUNK_BYTES = 256 * 1024  # JSONL read per chunk: ~1,000-2,000 short posts, ~0.1 s of scoring
CHUNK_ROWS = 1_500  # CSV rows per chunk
IN_FLIGHT_PER_WORKER = 3  # enough to keep every worker busy while the parent writes
# Below this many chunks a pool costs more to start than it saves.
MIN_CHUNKS = 3

# (counts, result text, quarantine text, warnings) of one chunk, from a worker.
ChunkResult = tuple[tuple[int, int, int, int], str, str, list[str]]


def parse_workers(value: str) -> int:
    """`auto` -> the usable CPUs; else a whole number >= 1. ValueError for anything else."""
    if value.strip().lower() == "auto":
        return usable_cpus()
    workers = int(value)
    if workers < 1:
        raise ValueError(value)
    return workers


def worth_it(path: Path, workers: int) -> bool:
    """Whether `path` is big enough for a pool of `workers` to pay for its start-up."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return workers > 1 and size >= MIN_CHUNKS * CHUNK_BYTES


# --- in the worker processes ----------------------------------------------------------------

_STATE: dict[str, Any] = {}


def _init_worker(
    path: Path, brand_handles: tuple[str, ...], now: datetime, quarantine: bool, learned: Any = None
) -> None:
    _STATE.update(
        path=path, brand_handles=brand_handles, now=now, quarantine=quarantine, learned=learned
    )
    # Ctrl-C is the parent's to handle (it stops the pool): no traceback from every worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The scoring tables inherited from the parent never become garbage: keep the collector
    # from walking them again and again.
    gc.freeze()


def _score_chunk(kind: str, payload: Any, start: int) -> ChunkResult:
    """Score one chunk exactly as the single-process loop would; everything kept in memory."""
    out = io.StringIO()
    quarantine = io.StringIO() if _STATE["quarantine"] else None
    warnings: list[str] = []
    run = ScoreRun(
        _STATE["path"], out, _STATE["brand_handles"], quarantine, warnings.append, _STATE["now"]
    )
    run.warn_limit = sys.maxsize  # the parent knows how many came before and applies the cap
    run.learned = _STATE.get("learned")
    if kind == "jsonl":
        score_jsonl_lines(run, io.BytesIO(payload), start, None)
    else:
        score_rows(run, payload, None)
    run.flush()
    s = run.stats
    counts = (s.rows, s.scored, s.flagged, s.errors)
    return counts, out.getvalue(), quarantine.getvalue() if quarantine else "", warnings


# --- in the parent ---------------------------------------------------------------------------


def _jsonl_chunks(path: Path) -> Iterator[tuple[tuple[str, Any, int], int]]:
    """((kind, whole lines as one bytes, lines before them), bytes read) for each chunk."""
    number = 0
    with path.open("rb") as fh:
        while True:
            blob = fh.read(CHUNK_BYTES)
            if not blob:
                return
            if not blob.endswith(b"\n"):
                blob += fh.readline()  # finish the line the chunk cut
            yield ("jsonl", blob, number), len(blob)
            # Counted as `for line in fh` splits: at b"\n"; only the file's end lacks one.
            number += blob.count(b"\n") + (not blob.endswith(b"\n"))


def _csv_chunks(path: Path) -> Iterator[tuple[tuple[str, Any, int], int]]:
    """((kind, parsed Rows, 0), their approximate size) for each chunk of CSV rows."""
    rows: list[Row] = []
    size = 0
    for row in iter_rows(path, "csv"):
        rows.append(row)
        size += row_size(row)
        if len(rows) >= CHUNK_ROWS:
            yield ("csv", rows, 0), size
            rows, size = [], 0
    if rows:
        yield ("csv", rows, 0), size


def _context() -> Any:
    # fork starts a worker in milliseconds with the scoring tables already built; spawn (the
    # only choice off Linux/macOS) works too, each worker importing the scoring modules.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def score_parallel(
    run: ScoreRun, fmt: str, workers: int, progress: Callable[[int], None] | None
) -> ScoreStats:
    """Score `run.path` with `workers` processes into `run.out` (and its quarantine), in order."""
    chunks = _jsonl_chunks(run.path) if fmt == "jsonl" else _csv_chunks(run.path)
    pool: Pool = _context().Pool(
        workers,
        initializer=_init_worker,
        initargs=(run.path, run.brand_handles, run.now, run.quarantine is not None, run.learned),
    )
    pending: deque[tuple[AsyncResult[ChunkResult], int]] = deque()
    limit = workers * IN_FLIGHT_PER_WORKER
    try:
        for args, size in chunks:
            pending.append((pool.apply_async(_score_chunk, args), size))
            if len(pending) >= limit:
                _write(run, *pending.popleft(), progress)
        while pending:
            _write(run, *pending.popleft(), progress)
    finally:
        pool.terminate()  # every result is in (or the run failed): nothing left to wait for
    return run.stats


def _write(
    run: ScoreRun,
    result: AsyncResult[ChunkResult],
    size: int,
    progress: Callable[[int], None] | None,
) -> None:
    """Write one chunk's results (waiting for them if need be) and add up its counts."""
    (rows, scored, flagged, errors), text, quarantined, warnings = result.get()
    stats = run.stats
    if run.warn is not None:
        # The chunk's worker warned of each of its errors; the file-wide cap counts those of
        # every chunk before this one.
        room = max(0, MAX_WARNINGS - stats.errors)
        for message in warnings[:room]:
            run.warn(message)
    stats.rows += rows
    stats.scored += scored
    stats.flagged += flagged
    stats.errors += errors
    run.out.write(text)
    if run.quarantine is not None and quarantined:
        run.quarantine.write(quarantined)
    if progress is not None:
        progress(size)


__all__ = ["parse_workers", "score_parallel", "worth_it"]
