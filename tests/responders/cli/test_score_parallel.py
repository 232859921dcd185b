"""`makegood score --workers N`: byte for byte the output of one process, in input order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import responders.cli.score_cmd  # noqa: F401  (registers the command)
from responders.cli import app, load_commands, score_parallel
from responders.cli.common import usable_cpus
from responders.cli.score_run import MAX_WARNINGS

load_commands([])
PREFIX = ["score"] if len(app.registered_commands) > 1 or app.registered_callback else []

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always keeps stderr apart
    runner = CliRunner()


@pytest.fixture
def tiny_chunks(monkeypatch):
    """Chunks of a few hundred bytes / two CSV rows, so small files cross many chunk borders."""
    monkeypatch.setattr(score_parallel, "CHUNK_BYTES", 300)
    monkeypatch.setattr(score_parallel, "CHUNK_ROWS", 2)
    monkeypatch.setattr(score_parallel, "MIN_CHUNKS", 1)


def good(i: int) -> str:
    texts = [
        "@acme my order never arrived \U0001f621",
        "love the new kettle, thank you",
        "charged twice for the blender, not happy",
        "still waiting for my refund after 12 days",
    ]
    row = {"id": f"m{i}", "text": texts[i % 4], "likes": i % 50, "author_followers": i * 97}
    if i % 7 == 0:
        row |= {"reposts": 30, "created_at": "2026-01-01T11:00:00Z"}
    return json.dumps(row, ensure_ascii=False)


MIXED_LINES: list[bytes] = [
    good(1).encode(),
    b'{"id": 2, "text": "broken json',
    good(3).encode(),
    b'{"id": 4, "text": "nul\\u0000bytes\\u0000 in my refund"}',
    b'{"id": 5, "text": "raw nul \x00 byte"}',
    b"",  # a blank line is not a row
    b"[1, 2, 3]",
    b'{"id": 8}',
    b'{"id": 9, "text": "ok", "likes": "many"}',
    json.dumps({"id": "huge", "text": "the parcel never arrived, furious. " * 30_000}).encode(),
    # Past the first 8 KiB (which must be UTF-8 for the file to be read at all).
    b"\xff\xfe not utf-8 \x80 at all",
    good(12).encode() + b"\r",
    *[good(i).encode() for i in range(13, 60)],
]


def write(path: Path, lines: list[bytes], newline_at_end: bool = True) -> Path:
    path.write_bytes(b"\n".join(lines) + (b"\n" if newline_at_end else b""))
    return path


def run_both(tmp_path: Path, src: Path, *extra: str) -> tuple:
    """The command's result with --workers 1 and with --workers 2: (one, two)."""
    results = []
    for workers in ("1", "2"):
        quarantine = tmp_path / f"q{workers}.jsonl"
        result = runner.invoke(
            app,
            [*PREFIX, str(src), "--workers", workers, "--quarantine", str(quarantine), *extra],
        )
        assert "Traceback" not in result.stderr, result.stderr
        q = quarantine.read_bytes() if quarantine.exists() else None
        results.append((result.exit_code, result.stdout_bytes, result.stderr, q))
    return tuple(results)


@pytest.mark.parametrize("newline_at_end", [True, False])
def test_mixed_jsonl_is_byte_identical_with_two_workers(tmp_path, tiny_chunks, newline_at_end):
    src = write(tmp_path / "mixed.jsonl", MIXED_LINES, newline_at_end)
    one, two = run_both(tmp_path, src)
    assert one == two
    exit_code, stdout, stderr, quarantine = two
    assert exit_code == 1  # rows rejected, every one still answered
    out = [json.loads(line) for line in stdout.decode().splitlines()]
    assert len(out) == len(MIXED_LINES) - 1  # every row but the blank line, in order
    errors_at = [o.get("line") for o in out[:11]]
    assert errors_at == [None, 2, None, None, 5, 7, 8, 9, None, 11, None]
    assert out[8]["id"] == "huge" and out[8]["flagged"]
    assert [o["id"] for o in out[10:]] == ["m12", *(f"m{i}" for i in range(13, 60))]
    assert "mixed.jsonl:2:" in stderr and "mixed.jsonl:11:" in stderr
    assert quarantine.count(b"\n") == 6


def test_csv_with_quoted_newlines_is_byte_identical(tmp_path, tiny_chunks):
    src = tmp_path / "m.csv"
    src.write_text(
        "id,text,likes,created_at\n"
        + "".join(
            f'{i},"line one\nline two: never arrived, refund {i}",{i * 40},2026-01-01T12:00:00Z\n'
            if i % 3
            else f'{i},"bad count",x{i},\n'
            for i in range(1, 40)
        ),
        encoding="utf-8",
    )
    one, two = run_both(tmp_path, src, "-o", str(tmp_path / "ignored.jsonl"))
    assert one[0] == two[0] == 1  # the bad-count rows are rejected
    assert one[2] == two[2] and "scored 26 rows" in two[2]
    assert one[3] == two[3]
    out = tmp_path / "out.jsonl"
    outputs = []
    for workers in ("1", "2"):
        runner.invoke(app, [*PREFIX, str(src), "--workers", workers, "-o", str(out)])
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    ids = [json.loads(line)["id"] for line in outputs[1].decode().splitlines()]
    assert ids == [str(i) for i in range(1, 40)]


def test_the_warning_cap_counts_errors_across_chunks(tmp_path, tiny_chunks):
    lines = [b"{oops" if i % 2 else good(i).encode() for i in range(2 * MAX_WARNINGS + 30)]
    src = write(tmp_path / "bad.jsonl", lines)
    one, two = run_both(tmp_path, src)
    assert one == two
    stderr = two[2]
    assert stderr.count("warning: ") == MAX_WARNINGS + 1
    assert "15 more bad rows not listed" in stderr  # MAX_WARNINGS + 15 bad rows in all


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.jsonl", b""), ("binary.jsonl", bytes(range(256)) * 40), ("blank.csv", b"\n \n")],
)
def test_file_level_errors_are_the_same(tmp_path, tiny_chunks, name, content):
    src = tmp_path / name
    src.write_bytes(content)
    one, two = run_both(tmp_path, src)
    assert one == two
    assert two[0] == 2 and two[1] == b""


def test_a_small_file_is_scored_without_starting_a_pool(tmp_path, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for a small file")

    monkeypatch.setattr(score_parallel, "score_parallel", no_pool)
    src = write(tmp_path / "small.jsonl", [good(i).encode() for i in range(50)])
    result = runner.invoke(app, [*PREFIX, str(src), "--workers", "4"])
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 50


def test_a_big_file_uses_the_pool_with_the_default_chunk_size(tmp_path, monkeypatch):
    calls = []
    real = score_parallel.score_parallel

    def spy(*args, **kwargs):
        calls.append(args[2])  # workers
        return real(*args, **kwargs)

    monkeypatch.setattr(score_parallel, "score_parallel", spy)
    rows = score_parallel.MIN_CHUNKS * score_parallel.CHUNK_BYTES // 100 + 100
    src = write(tmp_path / "big.jsonl", [good(i).encode() for i in range(rows)])
    one, two = run_both(tmp_path, src)
    assert calls == [2]
    assert one == two and two[0] == 0
    assert len(two[1].splitlines()) == rows


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("3", 3),
        (" auto ", usable_cpus()),
        ("AUTO", usable_cpus()),
    ],
)
def test_parse_workers(value, expected):
    assert score_parallel.parse_workers(value) == expected


@pytest.mark.parametrize("value", ["0", "-2", "many", ""])
def test_a_bad_workers_value_exits_2(tmp_path, value):
    src = write(tmp_path / "m.jsonl", [good(1).encode()])
    result = runner.invoke(app, [*PREFIX, str(src), "--workers", value])
    assert result.exit_code == 2
    assert "--workers" in result.stderr and result.stdout == ""


def test_chunks_in_flight_are_bounded_so_memory_stays_flat(tmp_path, tiny_chunks, monkeypatch):
    """However long the file, at most IN_FLIGHT_PER_WORKER chunks per worker are out at once."""
    outstanding = []
    peak = []

    class Result:
        def __init__(self, func, args):
            self.func, self.args = func, args
            outstanding.append(self)
            peak.append(len(outstanding))

        def get(self):
            outstanding.remove(self)
            return self.func(*self.args)

    class FakePool:
        def __init__(self, workers, initializer, initargs):
            initializer(*initargs)

        def apply_async(self, func, args):
            return Result(func, args)

        def terminate(self):
            pass

    class FakeContext:
        Pool = FakePool

    monkeypatch.setattr(score_parallel, "_context", lambda: FakeContext)
    # The worker set-up runs in this process here: leave its signals and collector alone.
    monkeypatch.setattr(score_parallel.signal, "signal", lambda *args: None)
    monkeypatch.setattr(score_parallel.gc, "freeze", lambda: None)
    src = write(tmp_path / "long.jsonl", [good(i).encode() for i in range(400)])
    result = runner.invoke(app, [*PREFIX, str(src), "--workers", "2"])
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 400
    assert len(peak) > 100  # many chunks went out ...
    assert max(peak) == 2 * score_parallel.IN_FLIGHT_PER_WORKER  # ... never more than this
