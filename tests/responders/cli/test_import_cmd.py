"""`makegood import FILE --brand NAME`: a summary line on stdout, progress on stderr, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from monitor.storage import models as m
from responders.cli import app, load_commands

load_commands([])
runner = CliRunner()


def write_config(tmp_path: Path) -> Path:
    config = tmp_path / "makegood.toml"
    config.write_text(
        '[[brands]]\nname = "Kettlebird"\nkeywords = ["kettlebird"]\nhandles = ["@kettlebird"]\n',
        encoding="utf-8",
    )
    return config


def write_export(path: Path, count: int, bad: bool = False) -> Path:
    lines = [
        json.dumps({"id": f"p{i}", "author": f"user{i % 7}", "created_at": "2026-01-01T12:00:00Z",
                    "text": f"@kettlebird order {i} never arrived, still waiting"})
        for i in range(count)
    ]  # fmt: skip
    if bad:
        lines.insert(3, '{"id": "broken", "tex')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(tmp_path: Path, db_url: str, *args: str):
    config = write_config(tmp_path)
    return runner.invoke(
        app,
        ["import", *args, "--config", str(config)],
        env={"MAKEGOOD_DATABASE_URL": db_url, "COLUMNS": "200"},
    )


def stored(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(m.Mention)) or 0


def test_an_import_prints_its_summary_and_a_second_run_finds_nothing_left(
    tmp_path: Path, db_url: str, factory: sessionmaker[Session]
) -> None:
    export = write_export(tmp_path / "export.jsonl", 30)
    first = run(tmp_path, db_url, str(export), "--brand", "kettlebird", "--page-size", "10")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    assert (summary["rows"], summary["new"], summary["opened"], summary["pages"]) == (30, 30, 7, 3)
    assert summary["key"] == "Kettlebird:import:export.jsonl" and summary["rows_per_s"] > 0
    assert "100% of the file" in first.stderr and "rows/s" in first.stderr
    second = run(tmp_path, db_url, str(export), "--brand", "Kettlebird")
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout.strip().splitlines()[-1])["rows"] == 0
    assert stored(factory) == 30


def test_history_older_than_the_option_opens_no_case(
    tmp_path: Path, db_url: str, factory: sessionmaker[Session]
) -> None:
    export = write_export(tmp_path / "old.jsonl", 12)
    args = (str(export), "--brand", "Kettlebird", "--no-cases-older-than", "30")
    result = run(tmp_path, db_url, *args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["new"], summary["flagged"], summary["opened"]) == (12, 12, 0)


def test_a_quarantined_row_exits_1_and_bad_arguments_exit_2(
    tmp_path: Path, db_url: str, factory: sessionmaker[Session]
) -> None:
    export = write_export(tmp_path / "bad.jsonl", 5, bad=True)
    result = run(tmp_path, db_url, str(export), "--brand", "Kettlebird")
    assert result.exit_code == 1 and json.loads(result.stdout)["quarantined"] == 1
    assert stored(factory) == 5
    unknown = run(tmp_path, db_url, str(export), "--brand", "Nobody")
    assert unknown.exit_code == 2 and "no brand named 'Nobody'" in unknown.stderr
    assert "configured: Kettlebird" in unknown.stderr
    missing = run(tmp_path, db_url, str(tmp_path / "none.jsonl"), "--brand", "Kettlebird")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
