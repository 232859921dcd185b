"""The commands never print a database password, from the user part or a `password=` parameter."""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from responders.cli import app, load_commands

load_commands([])
runner = CliRunner()
EXAMPLE = "config/makegood.example.toml"
USER_PASSWORD = "pw-user-part-991"
QUERY_PASSWORD = "pw-query-param-992"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://bob:{USER_PASSWORD}@127.0.0.1:1/app",
        f"postgresql://bob@127.0.0.1:1/app?password={QUERY_PASSWORD}",
        f"postgresql://bob:{USER_PASSWORD}@127.0.0.1:1/app?password={QUERY_PASSWORD}&x=1",
        f"nosuchdriver://bob:{USER_PASSWORD}@h/app?password={QUERY_PASSWORD}",
    ],
)
@pytest.mark.parametrize("command", [["poll"], ["cases", "list"]])
def test_a_bad_database_url_is_reported_without_its_passwords(monkeypatch, caplog, url, command):
    monkeypatch.setenv("MAKEGOOD_DATABASE_URL", url)
    caplog.set_level(logging.DEBUG)
    result = runner.invoke(app, [*command, "--config", EXAMPLE])
    assert result.exit_code == 2, result.output
    shown = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "cannot open the database" in shown and "Traceback" not in shown
    for secret in (USER_PASSWORD, QUERY_PASSWORD):
        assert secret not in shown
        assert secret not in caplog.text
