"""CSV records read line by line, so one bad row (an odd byte, an unclosed quote) stays one row.

The csv module alone reads an unterminated quote as one field running to the end of the file, and
a non-UTF-8 byte anywhere fails the whole decode. Here each physical line is decoded alone, and a
quoted field that runs past `MAX_FIELD_LINES` lines, or to the end of the file, is reported as
an unterminated quote at the line where it began; reading then resumes on the next line.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

MAX_FIELD_LINES = 1000  # a post spanning more lines than this is an unclosed quote, not a post
csv.field_size_limit(16 * 1024 * 1024)  # long posts are cut later, not refused here


class RunawayField(Exception):
    """A record has run past MAX_FIELD_LINES lines (raised from inside the csv reader's input)."""


@dataclass(frozen=True, slots=True)
class CsvRecord:
    """One CSV record: the line it starts on, its values (None if unreadable) or the problem."""

    line: int
    values: list[str] | None
    error: str = ""
    raw: str = ""


class CsvLines:
    """The csv reader's input: one decoded line at a time, remembering the current record's."""

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.number = 0  # physical lines read from the file
        self.pending: deque[tuple[int, str, str]] = deque()  # lines to read again after a resync
        self.record: list[tuple[int, str, str]] = []  # (line, text, problem) of this record
        self.file_done = False

    def __iter__(self) -> CsvLines:
        return self

    def __next__(self) -> str:
        if self.pending:
            entry = self.pending.popleft()
        else:
            raw = self.fh.readline()
            if not raw:
                self.file_done = True
                raise StopIteration
            self.number += 1
            entry = (self.number, *decode_line(raw, first=self.number == 1))
        self.record.append(entry)
        if len(self.record) > MAX_FIELD_LINES:
            raise RunawayField
        # NUL bytes make the csv module raise; drop them so the rest of the file still reads.
        return entry[1].replace("\x00", "")

    def resync(self) -> None:
        """Read the current record's lines again, all but its first (the one that went wrong)."""
        self.pending.extendleft(reversed(self.record[1:]))
        self.file_done = False


def decode_line(raw: bytes, first: bool = True) -> tuple[str, str]:
    """(the line as text, '' or why it is not UTF-8); a BOM on the first line is dropped."""
    try:
        text, problem = raw.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        text = raw.decode("utf-8", errors="replace")
        problem = f"not UTF-8 (byte {exc.start} of the line is 0x{raw[exc.start]:02x})"
    return (text.removeprefix("\ufeff") if first else text), problem


def csv_records(fh: BinaryIO) -> Iterator[CsvRecord]:
    """Every record of a CSV file in order, the header first; blank lines are skipped."""
    lines = CsvLines(fh)
    while True:
        # Strict, so a quote that closes mid-field (the sign of an earlier unclosed one) shows.
        reader = csv.reader(lines, strict=True)
        for record in _records(reader, lines):
            yield record
            if record.error.startswith("unterminated quote"):
                break  # a fresh reader: the old one is mid-field
        else:
            return


def _records(reader: Iterator[list[str]], lines: CsvLines) -> Iterator[CsvRecord]:
    while True:
        lines.record = []
        try:
            values = next(reader)
        except StopIteration:
            return
        except RunawayField:
            yield _unterminated(lines, f"more than {MAX_FIELD_LINES} lines")
            continue
        except csv.Error as exc:
            if len(lines.record) > 1:
                # A quote closed mid-field lines later (or the file ended inside the field):
                # the field really opened unclosed.
                ran_to = (
                    "the end of the file"
                    if lines.file_done and not lines.pending
                    else f"line {lines.record[-1][0]}, where a quote closes it"
                )
                yield _unterminated(lines, ran_to)
                continue
            try:  # one odd line (`"a"b`): read it as leniently as a spreadsheet would
                values = next(csv.reader([_text(lines.record)]))
            except (csv.Error, StopIteration):
                yield _bad(lines, f"unreadable CSV: {exc}")
                continue
        if lines.file_done and not lines.pending and _opens_quote(lines.record):
            yield _unterminated(lines, "the end of the file")
            continue
        if not values:
            continue
        problems = [(n, p) for n, _, p in lines.record if p]
        if problems:
            yield _bad(lines, f"line {problems[0][0]}: {problems[0][1]}")
            continue
        yield CsvRecord(lines.record[0][0], values)


def _text(record: list[tuple[int, str, str]]) -> str:
    return "".join(text for _, text, _ in record).replace("\x00", "")


def _opens_quote(record: list[tuple[int, str, str]]) -> bool:
    """Whether the record's text leaves a quoted field open (an odd number of quotes)."""
    return sum(text.count('"') for _, text, _ in record) % 2 == 1


def _bad(lines: CsvLines, error: str) -> CsvRecord:
    start = lines.record[0][0] if lines.record else lines.number
    return CsvRecord(start, None, error, _text(lines.record))


def _unterminated(lines: CsvLines, ran_to: str) -> CsvRecord:
    start, first_line = lines.record[0][0], lines.record[0][1]
    lines.resync()
    error = (
        f"unterminated quote: the quoted field opened on line {start} never closes"
        f" (it runs to {ran_to}); the lines after it are read as rows"
    )
    return CsvRecord(start, None, error, first_line)
