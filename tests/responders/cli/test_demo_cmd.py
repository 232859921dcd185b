"""`makegood demo` and `makegood poll` as a user runs them: a real process, a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m

ROOT = Path(__file__).resolve().parents[3]


def makegood(*args: str, db_url: str, config: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MAKEGOOD_DATABASE_URL": db_url}
    if config:
        env["MAKEGOOD_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-c", "from responders.cli import main; main()", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_ingests_the_bundled_stream_and_shows_cases(
    db_url: str, factory: sessionmaker[Session]
) -> None:
    result = makegood("demo", "--no-serve", db_url=db_url)
    assert result.returncode == 0, result.stderr
    assert "Open recovery cases:" in result.stdout
    with factory() as session:
        mentions = session.scalar(select(func.count()).select_from(m.Mention))
        cases = session.scalar(select(func.count()).select_from(m.RecoveryCase))
    assert mentions is not None and mentions > 300
    assert cases is not None and cases > 20
    again = makegood("demo", "--no-serve", db_url=db_url)  # nothing new the second time
    assert again.returncode == 0 and "0 new" in again.stdout


def test_poll_prints_one_json_line_per_page(db_url: str) -> None:
    result = makegood("poll", db_url=db_url)
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["channel"] == "Kettlebird:replay:demo"


def test_a_bad_configuration_is_a_message_not_a_traceback(db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n[web]\nport = "eighty"\n')
    result = makegood("poll", db_url=db_url, config=config)
    assert result.returncode == 2
    assert "web.port: Input should be a valid integer" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = makegood("poll", db_url="postgresql://nobody:s3cr%40t@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "cannot open the database" in result.stderr and "Traceback" not in result.stderr
    assert "s3cr" not in result.stderr and "nobody:***@127.0.0.1:1/none" in result.stderr
