"""`makegood poll --drain`: progress per channel on stderr, a summary table, exit 1 on failure."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from monitor.storage import models as m
from responders.cli import app, load_commands

load_commands([])
runner = CliRunner()


def write_stream(path: Path, count: int) -> Path:
    rows = [
        {
            "id": f"p{i}",
            "text": f"kettlebird order {i} never arrived, refund please",
            "author": f"user{i}",
            "created_at": f"2026-01-01T{i // 60:02d}:{i % 60:02d}:00Z",
        }
        for i in range(count)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def write_config(tmp_path: Path, channels: list[str]) -> Path:
    config = tmp_path / "makegood.toml"
    config.write_text(
        '[[brands]]\nname = "Kettlebird"\nkeywords = ["kettlebird"]\n' + "".join(channels),
        encoding="utf-8",
    )
    return config


def replay(name: str, path: Path, page_size: int = 50) -> str:
    return (
        f'[[brands.channels]]\ntype = "replay"\nname = "{name}"\n'
        f'path = "{path}"\npage_size = {page_size}\n'
    )


def poll(config: Path, db_url: str, *args: str, env: dict[str, str] | None = None):
    return runner.invoke(
        app,
        ["poll", "--config", str(config), *args],
        env={"MAKEGOOD_DATABASE_URL": db_url, "COLUMNS": "200", **(env or {})},
    )


def test_drain_reports_each_page_as_it_goes_and_a_summary_per_channel(
    tmp_path: Path, db_url: str, factory: sessionmaker[Session]
) -> None:
    config = write_config(tmp_path, [replay("big", write_stream(tmp_path / "big.jsonl", 120))])
    result = poll(config, db_url, "--drain")
    assert result.exit_code == 0, result.stderr
    pages = [json.loads(line) for line in result.stdout.splitlines()]
    assert [p["new"] for p in pages] == [50, 50, 20]
    progress = [line for line in result.stderr.splitlines() if line.startswith("Kettlebird:")]
    assert progress[0].startswith("Kettlebird:replay:big: page 1, 50 new")
    assert progress[2].startswith("Kettlebird:replay:big: page 3, 120 new, 0 duplicates")
    assert "poll summary" in result.stderr
    (row,) = [line for line in result.stderr.splitlines() if "replay:big" in line and "│" in line]
    # page sizes, new, duplicates, flagged (every post is a complaint), quarantined, errors
    assert [cell.strip() for cell in row.split("│")[2:8]] == ["3", "120", "0", "120", "0", "0"]
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(m.Mention)) == 120


def test_a_failing_channel_is_shown_summed_up_and_exits_1(tmp_path: Path, db_url: str) -> None:
    good = replay("good", write_stream(tmp_path / "good.jsonl", 3))
    config = write_config(tmp_path, [good, replay("gone", tmp_path / "missing.jsonl")])
    result = poll(config, db_url, "--drain")
    assert result.exit_code == 1
    assert "Kettlebird:replay:good: page 1, 3 new" in result.stderr
    failed = [line for line in result.stderr.splitlines() if "replay:gone: page 1" in line]
    assert failed and "failed:" in failed[0]
    (row,) = [line for line in result.stderr.splitlines() if "replay:gone" in line and "│" in line]
    cells = [cell.strip() for cell in row.split("│")[2:9]]
    assert cells[:6] == ["1", "0", "0", "0", "0", "1"] and "replay file not found" in cells[6]
    assert "Traceback" not in result.stderr


def test_a_failing_channel_shows_its_error_with_no_secret_anywhere(
    tmp_path: Path, db_url: str, factory: sessionmaker[Session]
) -> None:
    # A feed on a closed port whose URL carries a password (masked by shape) and a token from
    # the environment (masked by value): the error quotes the URL, every place shows it masked.
    password, token = "url-password-2718", "feed-token-value-1618"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://reader:{password}@127.0.0.1:{port}/feed.xml?token={token}"
    channel = f'[[brands.channels]]\ntype = "rss"\nname = "news"\nurl = "{url}"\n'
    result = poll(write_config(tmp_path, [channel]), db_url, env={"MAKEGOOD_FEED_TOKEN": token})
    assert result.exit_code == 1
    assert "failed:" in result.stderr and "poll summary" in result.stderr
    with factory() as session:
        stored = session.scalars(select(m.Channel.last_error)).one()
    assert stored  # the failure is recorded, masked
    for shown in (result.stdout, result.stderr, stored):
        assert password not in shown and token not in shown
