"""Reading records is total: any bytes in a JSONL or CSV file give rows, Mention or Rejected each.

Only the file as a whole may be refused (InputFileError: empty, binary, not UTF-8 at all); every
line of a file that is read yields its row in order, and `mention_from_row` answers every row,
whatever its fields hold.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from monitor.mention import Mention
from monitor.records import InputFileError, Row, iter_rows, mention_from_row
from monitor.sources.base import Rejected
from tests.fakes.hostile import JSON, KEY, PROPERTY, csv_line, jsonl_line

BOM = st.sampled_from([b"", b"\xef\xbb\xbf"])


def read(name: str, content: bytes) -> list[Any] | None:
    """Every row of the file as Mention or Rejected; None when the file as a whole is refused."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return [mention_from_row(row) for row in iter_rows(path)]
        except InputFileError as exc:
            assert str(exc).startswith(str(path))  # the message names the file
            return None


@PROPERTY
@given(BOM, st.lists(jsonl_line(), min_size=1, max_size=8))
def test_any_jsonl_lines(bom: bytes, lines: list[bytes]) -> None:
    results = read("any.jsonl", bom + b"\n".join(lines) + b"\n")
    if results is not None:
        assert len(results) == len(lines)  # one answer per line, blank ones included
        assert all(isinstance(r, Mention | Rejected) for r in results)


@PROPERTY
@given(BOM, st.lists(csv_line(), max_size=8))
def test_any_csv_lines_under_a_text_header(bom: bytes, lines: list[bytes]) -> None:
    results = read("any.csv", bom + b"\n".join([b"id,text,likes", *lines]) + b"\n")
    if results is not None:
        assert all(isinstance(r, Mention | Rejected) for r in results)


@PROPERTY
@given(st.binary(min_size=1, max_size=200), st.sampled_from(["any.csv", "any.jsonl", "any"]))
def test_any_bytes_at_all(content: bytes, name: str) -> None:
    try:
        results = read(name, content)
    except InputFileError:  # a CSV without a text column: the file as a whole, by name
        return
    assert results is None or all(isinstance(r, Mention | Rejected) for r in results)


@PROPERTY
@given(st.dictionaries(KEY, JSON, max_size=8) | st.none(), st.integers(-5, 10**6))
def test_any_row_fields(data: dict[str, Any] | None, number: int) -> None:
    row = Row(number, f"any.jsonl:{number}", data, "" if data else "unreadable", "")
    assert isinstance(mention_from_row(row), Mention | Rejected)
