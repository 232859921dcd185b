"""`makegood score` answers every row: a line per row in order, exit codes, input kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import responders.cli.score_cmd  # noqa: F401  (registers the command)
from responders.cli import app, load_commands, score_parallel

load_commands([])
PREFIX = ["score"] if len(app.registered_commands) > 1 or app.registered_callback else []

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always keeps stderr apart
    runner = CliRunner()

GOOD = b'{"id": "g1", "text": "my parcel never arrived, refund please"}\n'
MIXED_JSONL = (
    b'\xef\xbb\xbf{"id": "a", "text": "love it"}\n'  # a BOM on the first line
    b'{"id": "b", "text": "caf\xe9 latte was cold"}\n'  # a Latin-1 byte: this row only
    b'{"id": "c", "text": "broken json\n'
    b"[1, 2, 3]\n"  # JSON, but not an object
    b'{"id": "e"}\n'  # no text
    b'{"id": "f", "text": "fine, thanks"}\n'
)
MIXED_CSV = (
    b"\xef\xbb\xbfid,text\n"
    b"1,good service\n"
    b'2,"this quote never closes\n'
    b"3,still here\n"
    b"4,and so am I\n"
)


@pytest.fixture
def tiny_chunks(monkeypatch):
    """Small chunks, so a parallel run of a small file crosses many chunk borders."""
    monkeypatch.setattr(score_parallel, "CHUNK_BYTES", 60)
    monkeypatch.setattr(score_parallel, "CHUNK_ROWS", 1)
    monkeypatch.setattr(score_parallel, "MIN_CHUNKS", 1)


def run(*args: str):
    return runner.invoke(app, [*PREFIX, *args])


def results(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_every_jsonl_row_gets_one_line_in_order_and_bad_rows_exit_1(tmp_path):
    src = tmp_path / "mixed.jsonl"
    src.write_bytes(MIXED_JSONL)
    result = run(str(src), "--workers", "1")
    assert result.exit_code == 1
    out = results(result.stdout)
    assert len(out) == 6
    assert out[0]["id"] == "a" and "sentiment" in out[0]  # the BOM did not spoil the row
    assert out[1] == {"id": None, "line": 2, "error": out[1]["error"]}
    assert "not UTF-8" in out[1]["error"] and "0xe9" in out[1]["error"]
    assert [o.get("line") for o in out[2:5]] == [3, 4, 5]
    assert all("error" in o for o in out[1:5])
    assert out[5]["id"] == "f" and "sentiment" in out[5]
    assert "Traceback" not in result.stderr


def test_an_unterminated_csv_quote_names_its_line_and_the_rows_after_are_scored(tmp_path):
    src = tmp_path / "quote.csv"
    src.write_bytes(MIXED_CSV)
    result = run(str(src), "--workers", "1")
    assert result.exit_code == 1
    out = results(result.stdout)
    assert out[0]["id"] == "1" and "sentiment" in out[0]  # the BOM did not rename the column
    errors = [o for o in out if "error" in o]
    assert len(errors) == 1 and "line 3" in errors[0]["error"]  # where the field began
    assert errors[0]["line"] == 3  # the same line as the message, not the row's index
    assert "unterminated quote" in errors[0]["error"]
    scored = [o["id"] for o in out if "sentiment" in o]
    assert "4" in scored  # the rows after the quote are not swallowed


@pytest.mark.parametrize(("name", "content"), [("m.jsonl", MIXED_JSONL), ("m.csv", MIXED_CSV)])
def test_one_worker_and_auto_write_the_same_bytes(tmp_path, tiny_chunks, name, content):
    src = tmp_path / name
    src.write_bytes(content)
    one = run(str(src), "--workers", "1")
    many = run(str(src), "--workers", "2")
    auto = run(str(src), "--workers", "auto")
    assert one.exit_code == many.exit_code == auto.exit_code == 1
    assert one.stdout_bytes == many.stdout_bytes == auto.stdout_bytes


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (GOOD * 3, 0),  # every row scored
        (GOOD + b"not json\n" + GOOD, 1),  # some rows rejected, each still answered
        (b"", 2),  # the file as a whole unreadable
    ],
)
def test_exit_codes(tmp_path, content, code):
    src = tmp_path / "in.jsonl"
    src.write_bytes(content)
    result = run(str(src))
    assert result.exit_code == code, result.stderr
    assert len(result.stdout.splitlines()) == (3 if code < 2 else 0)


def _same_path(src: Path, tmp: Path) -> Path:
    return src


def _dotted_path(src: Path, tmp: Path) -> Path:
    return tmp / "." / src.name


def _symlink(src: Path, tmp: Path) -> Path:
    link = tmp / "link.jsonl"
    link.symlink_to(src)
    return link


def _hard_link(src: Path, tmp: Path) -> Path:
    link = tmp / "hard.jsonl"
    os.link(src, link)
    return link


@pytest.mark.parametrize("option", ["-o", "--output", "--quarantine"])
@pytest.mark.parametrize("target", [_same_path, _dotted_path, _symlink, _hard_link])
def test_an_output_naming_the_input_is_refused_and_the_input_is_untouched(tmp_path, option, target):
    src = tmp_path / "in.jsonl"
    src.write_bytes(GOOD + b"not json\n")
    result = run(str(src), option, str(target(src, tmp_path)))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "is the input file" in result.stderr and "Traceback" not in result.stderr
    assert src.read_bytes() == GOOD + b"not json\n"


def test_output_and_quarantine_naming_one_file_are_refused(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(GOOD)
    same = tmp_path / "out.jsonl"
    result = run(str(src), "-o", str(same), "--quarantine", str(same))
    assert result.exit_code == 2
    assert "the same file" in result.stderr
    assert not same.exists()  # refused before anything was opened for writing
