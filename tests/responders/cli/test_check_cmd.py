"""`makegood check`: a table of settings, database, migrations, SMTP and channel credentials."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from monitor.storage.engine import make_engine
from responders.cli import app, load_commands
from tests.conftest import PG_ADMIN_URL
from tests.fakes.http_server import json_reply, serving
from tests.fakes.smtp import free_port, smtp_server

load_commands([])
runner = CliRunner()
PAYLOADS = Path(__file__).resolve().parents[2] / "fakes" / "payloads"
TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
TAG = "/api/v1/timelines/tag/kettlebird"
TOKEN_ENV = "MAKEGOOD_MASTODON_ACCESS_TOKEN"
BRAND = '[[brands]]\nname = "Kettlebird"\nkeywords = ["kettlebird"]\nhashtags = ["#kettlebird"]\n'


def write_config(
    tmp_path: Path, *, smtp_port: int | None = None, channels: str = "", templates: Path = TEMPLATES
) -> Path:
    smtp = f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\n' if smtp_port else ""
    config = tmp_path / "makegood.toml"
    top = f"templates_dir = {json.dumps(str(templates))}\n"
    config.write_text(top + smtp + BRAND + channels, encoding="utf-8")
    return config


def mastodon_channel(url: str) -> str:
    return (
        '[[brands.channels]]\ntype = "mastodon"\nname = "social"\n'
        f'api_base_url = "{url}"\nsearch = false\nnotifications = false\ntimeout_seconds = 2\n'
    )


def check(config: Path, db_url: str, *args: str, env: dict[str, str] | None = None):
    environ = {"MAKEGOOD_DATABASE_URL": db_url, "COLUMNS": "250", **(env or {})}
    return runner.invoke(app, ["check", "--config", str(config), *args], env=environ)


def row(output: str, name: str) -> list[str]:
    """The cells of the table row whose first cell starts with `name`."""
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and cells[0].startswith(name):
            return cells
    raise AssertionError(f"no row {name!r} in:\n{output}")


@pytest.fixture
def unmigrated_url(db_backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database nothing has migrated: a new SQLite file or a new PostgreSQL database."""
    if db_backend == "sqlite":
        path = tmp_path / "empty.db"
        make_engine(f"sqlite:///{path}").connect().close()
        yield f"sqlite:///{path}"
        return
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"makegood_check_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_everything_in_order_exits_0(tmp_path: Path, db_url: str) -> None:
    with smtp_server() as server:
        result = check(write_config(tmp_path, smtp_port=server.port), db_url)
        assert server.mails() == []  # reached, no mail sent
    assert result.exit_code == 0, result.output
    assert row(result.output, "settings")[1] == "ok"
    assert row(result.output, "database")[1:] == ["ok", row(result.output, "database")[2]]
    assert "migrations current" in row(result.output, "database")[2]
    assert row(result.output, "smtp")[1:] == ["ok", "reachable (EHLO 250)"]


def test_an_unmigrated_database_is_a_failure(tmp_path: Path, unmigrated_url: str) -> None:
    result = check(write_config(tmp_path), unmigrated_url)
    assert result.exit_code == 1
    assert row(result.output, "database")[1] == "FAIL"
    assert "not migrated" in row(result.output, "database")[2]


def test_a_missing_sqlite_file_is_reported_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "makegood.db"
    result = check(write_config(tmp_path), f"sqlite:///{path}")
    assert result.exit_code == 1 and "no database file" in row(result.output, "database")[2]
    assert not path.exists() and not path.parent.exists()


def test_an_unreachable_database_shows_no_password(tmp_path: Path) -> None:
    url = "postgresql://bob:pw-check-5150@127.0.0.1:1/app?password=pw-query-5151"
    result = check(write_config(tmp_path), url)
    assert result.exit_code == 1
    assert "cannot connect" in row(result.output, "database")[2]
    assert "pw-check-5150" not in result.output and "pw-query-5151" not in result.output


def test_a_down_smtp_port_fails_and_no_smtp_table_is_skipped(tmp_path: Path, db_url: str) -> None:
    down = check(write_config(tmp_path, smtp_port=free_port()), db_url)
    assert down.exit_code == 1
    assert row(down.output, "smtp")[1] == "FAIL" and "cannot reach" in row(down.output, "smtp")[2]
    skipped = check(write_config(tmp_path), db_url)
    assert skipped.exit_code == 0, skipped.output
    assert row(skipped.output, "smtp")[1] == "skipped"


def test_missing_credentials_name_the_variable(tmp_path: Path, db_url: str) -> None:
    reddit = '[[brands.channels]]\ntype = "reddit"\nname = "main"\n'
    env = {"MAKEGOOD_REDDIT_CLIENT_ID": "", "MAKEGOOD_REDDIT_CLIENT_SECRET": ""}
    result = check(write_config(tmp_path, channels=reddit), db_url, env=env)
    assert result.exit_code == 1
    cells = row(result.output, "channel Kettlebird:reddit:main")
    assert cells[1] == "FAIL" and "MAKEGOOD_REDDIT_CLIENT_ID is not set" in cells[2]


def test_online_the_platform_accepts_or_refuses_the_token(tmp_path: Path, db_url: str) -> None:
    hashtag = json.loads((PAYLOADS / "mastodon_hashtag.json").read_text(encoding="utf-8"))
    with serving() as server:
        server.add_json("GET", TAG, hashtag)
        config = write_config(tmp_path, channels=mastodon_channel(server.url))
        env = {TOKEN_ENV: "good-token-123"}
        offline = check(config, db_url, env=env)
        assert server.calls(TAG) == []  # without --online nothing is asked of the platform
        assert "credentials present" in row(offline.output, "channel")[2]
        accepted = check(config, db_url, "--online", env=env)
        assert accepted.exit_code == 0, accepted.output
        assert row(accepted.output, "channel")[1] == "ok"
        assert "accepted" in row(accepted.output, "channel")[2]
        server.fault(json_reply({"error": "The access token is invalid"}, status=401), path=TAG)
        refused = check(config, db_url, "--online", env={TOKEN_ENV: "bad-token-456"})
    assert refused.exit_code == 1
    cells = row(refused.output, "channel")
    assert cells[1] == "FAIL" and "refused" in cells[2]
    assert "bad-token-456" not in refused.output


def test_invalid_settings_exit_2_naming_the_field(tmp_path: Path, db_url: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[alerts]\ntimezone = "Atlantis/Deep"\n' + BRAND, encoding="utf-8")
    result = check(config, db_url)
    assert result.exit_code == 2
    assert "alerts.timezone" in result.stderr and "unknown time zone" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_template_folder_without_reply_templates_fails(tmp_path: Path, db_url: str) -> None:
    (tmp_path / "staff" / "replies").mkdir(parents=True)
    (tmp_path / "staff" / "replies" / "apology.j2").write_text("Sorry, {{ customer }}.")
    result = check(write_config(tmp_path, templates=tmp_path / "staff"), db_url)
    assert result.exit_code == 1
    detail = row(result.output, "templates")
    assert detail[1] == "FAIL" and "no template for 'outreach'" in detail[2]
