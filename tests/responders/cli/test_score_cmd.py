"""`makegood score`: results in order on stdout, bad rows kept in place, clear file errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import responders.cli.score_cmd  # noqa: F401  (registers the command)
from responders.cli import app, load_commands

load_commands([])
# Typer runs a one-command app without naming the command: only name it when there are more.
PREFIX = ["score"] if len(app.registered_commands) > 1 or app.registered_callback else []

ROOT = Path(__file__).resolve().parents[3]

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always keeps stderr apart
    runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [*PREFIX, *args])


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows),
        encoding="utf-8",
    )
    return path


def test_jsonl_rows_are_scored_in_order_with_every_field(tmp_path):
    src = write_jsonl(
        tmp_path / "m.jsonl",
        [
            {"id": "a", "text": "@acme my order never arrived", "author_followers": 48000},
            {"id": "b", "text": "Love it, thank you!"},
            {"text": "no id here, still waiting for a refund"},
        ],
    )
    result = run(str(src), "--brand-handle", "@acme")
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert [o["id"] for o in out] == ["a", "b", "row-3"]
    for o in out:
        assert {
            "id",
            "sentiment",
            "complaint",
            "category",
            "severity",
            "flagged",
            "reasons",
        } <= set(o)
    assert out[0]["flagged"] and out[0]["category"] == "delivery"
    assert "addressed to the brand: @acme" in out[0]["reasons"]
    assert "reach: 48,000 followers" in out[0]["reasons"]
    assert not out[1]["flagged"]


def test_csv_input_and_output_file(tmp_path):
    src = tmp_path / "m.csv"
    src.write_text(
        'id,text,likes\n1,"charged twice, want a refund",5\n2,"fine, thanks",\n', encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    result = run(str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    rows = lines(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[0]["category"] == "billing"


def test_bad_rows_keep_their_place_are_warned_about_and_quarantined(tmp_path):
    src = write_jsonl(
        tmp_path / "bad.jsonl",
        [
            {"id": 1, "text": "never arrived"},
            '{"id": 2, "text": "broken json',
            {"id": 3},
            {"id": 4, "text": "nul\u0000bytes\u0000 in my refund"},
            {"id": 5, "text": "ok", "likes": "many"},
            {"id": 6, "text": "the end"},
        ],
    )
    quarantine = tmp_path / "q.jsonl"
    result = run(str(src), "--quarantine", str(quarantine))
    assert result.exit_code == 1  # some rows rejected
    out = lines(result.stdout)
    assert [o["id"] for o in out] == [1, None, 3, 4, 5, 6]
    assert out[1]["line"] == 2 and "malformed JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and "text" in out[2]["error"]
    assert "sentiment" in out[3]
    assert "likes" in out[4]["error"]
    assert "bad.jsonl:2" in result.stderr and "bad.jsonl:3" in result.stderr
    rejected = lines(quarantine.read_text(encoding="utf-8"))
    assert [r["location"] for r in rejected] == ["bad.jsonl:2", "bad.jsonl:3", "bad.jsonl:5"]
    assert rejected[0]["raw"].startswith('{"id": 2, "text": "broken json')


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jsonl", b"", "empty"),
        ("blank.csv", b"\n\n  \n", "empty"),
        ("binary.jsonl", bytes(range(256)) * 40, "binary"),
        ("notext.csv", b"id,body\n1,hello\n", "no 'text' column"),
    ],
)
def test_file_level_errors_exit_2_with_a_message_naming_the_file(tmp_path, name, content, message):
    src = tmp_path / name
    src.write_bytes(content)
    result = run(str(src))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert name in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_file_exits_2(tmp_path):
    result = run(str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert "nope.jsonl" in result.stderr and "no such file" in result.stderr


def test_a_one_megabyte_post_mixed_scripts_and_emoji(tmp_path):
    big = "the parcel never arrived and I am furious. " * 24_000
    src = write_jsonl(
        tmp_path / "odd.jsonl",
        [
            {"id": "big", "text": big[:1_000_000]},
            {"id": "mixed", "text": "Заказ не пришёл 😡 注文が届かない still waiting مرحبا"},
            {"id": "emoji", "text": "😍😍😍🔥"},
        ],
    )
    result = run(str(src))
    assert result.exit_code == 0, result.stderr
    out = {o["id"]: o for o in lines(result.stdout)}
    assert out["big"]["flagged"] and out["mixed"]["flagged"]
    assert out["emoji"]["sentiment"] > 0


def test_the_real_program_via_subprocess_writes_only_results_to_stdout(tmp_path):
    src = write_jsonl(
        tmp_path / "m.jsonl", [{"id": "a", "text": "still waiting for my refund"}, "{oops"]
    )
    proc = subprocess.run(
        [sys.executable, "-c", "from responders.cli import main; main()", *PREFIX, str(src)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr  # one row rejected
    out = lines(proc.stdout)
    assert out[0]["id"] == "a" and out[0]["flagged"] is True
    assert out[1] == {"id": None, "line": 2, "error": out[1]["error"]}
    assert "m.jsonl:2" in proc.stderr


def _reference_lines(path: Path, now, handles: tuple[str, ...]) -> list[str]:
    """What the command wrote before the lean path: Row -> Mention -> score_mention -> JSON."""
    from monitor.records import dumps_row, iter_rows, mention_from_row
    from monitor.scoring import score_mention
    from monitor.sources.base import Rejected

    out = []
    for row in iter_rows(path):
        if row.data is None and row.error == "blank line":
            continue
        item = mention_from_row(row)
        if isinstance(item, Rejected):
            out.append(None)  # error lines are checked by the tests above
            continue
        score = score_mention(item, brand_handles=handles, now=now)
        raw_id = row.data.get("id")
        out.append(
            dumps_row(
                {
                    "id": raw_id if isinstance(raw_id, str | int) else item.external_id,
                    "sentiment": score.sentiment,
                    "complaint": score.complaint,
                    "category": score.category,
                    "severity": score.severity,
                    "flagged": score.flagged,
                    "reasons": list(score.reasons),
                    "lang": score.lang,
                }
            )
        )
    return out


ODD_ROWS = [
    {"id": "a", "text": "@acme my order never arrived \U0001f621", "author_followers": 48000},
    {"id": 7, "text": "Love it, thank you!", "likes": 3},
    {"id": True, "text": 'charged twice "again" \\ not happy'},
    {"id": 1.5, "text": "still waiting for a refund", "replies": "4"},
    {"id": None, "text": "the app keeps crashing"},
    {"id": "", "text": "ok"},
    {"id": ["x"], "text": "worst service ever"},
    {"text": "nul\u0000bytes in my refund", "likes": -5, "reposts": 2.0},
    {"text": "caught fire, burned my hand", "likes": 900, "created_at": "2026-01-01T11:00:00Z"},
    {"text": "viral complaint", "reposts": 40, "created_at": 1767261600},
    {"text": "big numbers", "author_followers": 123456789012345678901, "likes": 2**60},
    {"text": "line\nbreak\ttab \u2028 sep and \u00e9\u4e2d", "platform": "x"},
    {"text": "likes not a number", "likes": "many"},
    {"id": "z", "text": ""},
]


def test_the_lean_path_writes_exactly_what_the_mention_path_would(tmp_path):
    from datetime import UTC, datetime

    from responders.cli.score_cmd import score_file

    now = datetime(2026, 1, 1, 12, 30, tzinfo=UTC)
    src = write_jsonl(tmp_path / "odd.jsonl", [*ODD_ROWS, ""])
    csv_src = tmp_path / "odd.csv"
    csv_src.write_text(
        'id,text,likes,created_at\n1,"never arrived, furious",300,2026-01-01T12:00:00Z\n'
        ',"fine thanks",,\n3,"bad count",x,\n',
        encoding="utf-8",
    )
    for path in (src, csv_src):
        out = tmp_path / "out.jsonl"
        with out.open("w", encoding="utf-8") as fh:
            score_file(path, fh, brand_handles=("@acme",), now=now)
        got = out.read_text(encoding="utf-8").splitlines()
        want = _reference_lines(path, now, ("@acme",))
        assert len(got) == len(want)
        for line, expected in zip(got, want, strict=True):
            if expected is None:
                assert '"error"' in line
            else:
                assert line == expected
