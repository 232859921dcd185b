"""One scoring run of `makegood score`: its state, the row loops and the result lines.

Shared by the single-process command (score_cmd) and the workers of a parallel run
(score_parallel), so both write the same bytes for the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO, Any, TypeVar

from monitor.language import detect
from monitor.records import (
    COUNT_FIELDS,
    MAX_TEXT_CHARS,
    Row,
    dumps_row,
    jsonl_row,
    mention_from_row,
    parse_count,
    parse_datetime,
)
from monitor.scoring import Score, age_in_hours, score_mention, score_text
from monitor.scoring.severity import VELOCITY_MIN_ENGAGEMENT
from monitor.sources.base import Rejected

PROGRESS_EVERY = 2_000  # rows between progress-bar refreshes
MAX_WARNINGS = 50  # after this many, bad rows are only counted
WRITE_EVERY = 256  # result lines gathered before one write: fewer, larger writes
_EXACT_INT = 1 << 53  # counts below this survive parse_count's int(float(x)) unchanged

T = TypeVar("T")
Progress = Callable[[int], None]


@dataclass
class ScoreStats:
    """The counts of a run: rows read, scored, flagged, and kept as errors."""

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


def row_size(row: Row) -> int:
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
        f'"reasons":[{",".join(map(encode_basestring, score.reasons))}],'
        f'"lang":{_constant(score.lang)}}}'
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
        "lang": score.lang,
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
        lang=detect(text, data.get("lang")),  # the row's own tag helps a short text
    )


def output_id(data: dict[str, Any], number: int) -> Any:
    """The id a result carries: the row's own id if it is a string or integer, else as text."""
    raw_id = data.get("id")
    if isinstance(raw_id, str | int):
        return raw_id
    return str(raw_id) if raw_id not in (None, "") else f"row-{number}"


class ScoreRun:
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
        # `--model`: (data, id, Score) -> (flagged, line), see score_learned.LearnedHook.
        self.learned: Callable[[dict[str, Any], Any, Score], tuple[bool, str]] | None = None

    def flush(self) -> None:
        """Write the gathered result lines to `out`."""
        if self.lines:
            self.lines.append("")  # the last line's newline
            self.out.write("\n".join(self.lines))
            self.lines.clear()

    def scored(self, data: dict[str, Any], number: int, score: Score) -> None:
        """Count and keep the result line of a scored row."""
        self.stats.scored += 1
        if self.learned is not None:
            flagged, line = self.learned(data, output_id(data, number), score)
            self.stats.flagged += flagged
            self.lines.append(line)
        else:
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


def _reporting(items: Iterable[T], size: Callable[[T], int], progress: Progress) -> Iterator[T]:
    """`items` as they come, telling `progress` their size every PROGRESS_EVERY items and last."""
    pending = since = 0
    for item in items:
        pending += size(item)
        since += 1
        if since >= PROGRESS_EVERY:
            progress(pending)
            pending = since = 0
        yield item
    if pending:
        progress(pending)


def score_jsonl_lines(
    run: ScoreRun, lines: Iterable[bytes], number: int, progress: Progress | None
) -> None:
    """The JSONL loop: bytes -> dict -> score -> line, with no Row or Mention on the way.

    `lines` are raw lines of the file, the first of them line `number + 1`.
    """
    stats, path, now, handles = run.stats, run.path, run.now, run.brand_handles
    loads = json.loads
    if progress is not None:
        lines = _reporting(lines, len, progress)
    for raw_line in lines:
        number += 1
        stats.rows += 1
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


def score_rows(run: ScoreRun, rows: Iterable[Row], progress: Progress | None) -> None:
    """The loop for CSV (already parsed into Rows by the csv module)."""
    stats, now, handles = run.stats, run.now, run.brand_handles
    if progress is not None:
        rows = _reporting(rows, row_size, progress)
    for row in rows:
        stats.rows += 1
        data = row.data
        score = score_data(data, row.number, handles, now) if data is not None else None
        if score is not None:
            run.scored(data, row.number, score)  # type: ignore[arg-type]
        else:
            run.full_path(row)


__all__ = [
    "MAX_WARNINGS",
    "ScoreRun",
    "ScoreStats",
    "output_id",
    "result_line",
    "row_size",
    "score_data",
    "score_jsonl_lines",
    "score_rows",
]
