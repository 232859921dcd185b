"""`makegood train` and `makegood score --model`: per-row errors, probabilities, workers agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import responders.cli.score_cmd  # registers the command
import responders.cli.train_cmd  # noqa: F401  (registers the command)
from responders.cli import app, score_parallel

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always keeps stderr apart
    runner = CliRunner()

ROWS = [
    ("parcel in limbo again", 1),
    ("my parcel is stuck in limbo", 1),
    ("limbo parcel, day 6", 1),
    ("lovely parcel arrived today", 0),
    ("the parcel came early, nice", 0),
    ("got my parcel, gorgeous scarf", 0),
]


def write_csv(path: Path, rows: list[tuple[str, object]]) -> Path:
    lines = ["text,label"] + [f'"{t}",{label}' for t, label in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("model")
    labels = write_csv(folder / "labels.csv", ROWS)
    result = runner.invoke(app, ["train", str(labels), "-o", str(folder / "m.json")])
    assert result.exit_code == 0, result.output
    return folder / "m.json"


def test_train_writes_a_model_from_jsonl(tmp_path):
    src = tmp_path / "labels.jsonl"
    src.write_text(
        "".join(json.dumps({"text": t, "label": bool(y)}) + "\n" for t, y in ROWS),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["train", str(src), "-o", str(tmp_path / "m.json")])
    assert result.exit_code == 0, result.output
    assert "trained on 6 rows (3 to flag, 0 bad rows skipped)" in result.stderr
    assert json.loads((tmp_path / "m.json").read_text())["training"]["rows"] == 6


def test_each_bad_row_is_named_skipped_and_counted(tmp_path):
    src = write_csv(tmp_path / "labels.csv", [*ROWS, ("where is it", "maybe"), ("", 1)])
    result = runner.invoke(app, ["train", str(src), "-o", str(tmp_path / "m.json")])
    assert result.exit_code == 1
    assert f"{src}:8: label 'maybe' is not one of" in result.stderr
    assert f"{src}:9: no text (row skipped)" in result.stderr
    assert "2 bad rows skipped" in result.stderr
    assert (tmp_path / "m.json").exists()


def test_a_bad_json_line_is_named(tmp_path):
    src = tmp_path / "labels.jsonl"
    body = "".join(json.dumps({"text": t, "label": y}) + "\n" for t, y in ROWS)
    src.write_text(body + '{"text": "cut\n', encoding="utf-8")
    result = runner.invoke(app, ["train", str(src), "-o", str(tmp_path / "m.json")])
    assert result.exit_code == 1
    assert f"{src}:7: malformed JSON" in result.stderr


@pytest.mark.parametrize(
    "rows, message",
    [
        ([("only complaints", 1), ("more of them", 1)], "need both 0 and 1"),
        ([("x", "maybe")], "no usable rows (1 bad)"),
    ],
)
def test_train_refuses_a_table_it_cannot_learn_from(tmp_path, rows, message):
    src = write_csv(tmp_path / "labels.csv", rows)
    result = runner.invoke(app, ["train", str(src), "-o", str(tmp_path / "m.json")])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "m.json").exists()


def test_train_refuses_a_missing_file(tmp_path):
    result = runner.invoke(app, ["train", str(tmp_path / "no.csv"), "-o", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def score(*args: str):
    return runner.invoke(app, ["score", *args])


def test_score_with_a_model_adds_probability_and_learned_terms(tmp_path, model_file):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "parcel in limbo since monday"}\n', encoding="utf-8")
    result = score(str(src), "--model", str(model_file), "--workers", "1")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["flagged"] is True and out["probability"] > 0.5
    assert any(r.startswith("learned: 'limbo' +") for r in out["reasons"])


def test_score_with_a_model_is_the_same_with_two_workers(tmp_path, model_file, monkeypatch):
    monkeypatch.setattr(score_parallel, "CHUNK_BYTES", 300)
    monkeypatch.setattr(score_parallel, "MIN_CHUNKS", 1)
    src = tmp_path / "in.jsonl"
    texts = [t for t, _ in ROWS] + ["still waiting for my refund", "love it", "parcel limbo?"]
    src.write_text(
        "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts * 8)),
        encoding="utf-8",
    )
    one = score(str(src), "--model", str(model_file), "--workers", "1")
    two = score(str(src), "--model", str(model_file), "--workers", "2")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout
    assert all("probability" in json.loads(line) for line in one.stdout.splitlines())


@pytest.mark.parametrize("content", ['{"format": "makegood-learned-model", "ver', "not json"])
def test_score_refuses_a_bad_model_file_with_exit_2(tmp_path, content):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "hello"}\n', encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = score(str(src), "--model", str(bad))
    assert result.exit_code == 2
    assert f"--model: {bad}: not a model file" in result.stderr
    assert result.stdout == ""


def test_score_with_the_default_model(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "still waiting for my refund, awful"}\n')
    result = score(str(src), "--model", "default", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["flagged"] is True
