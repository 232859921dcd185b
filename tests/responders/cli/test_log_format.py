"""`--log-format json`: the real serve and worker processes write one JSON event per stderr line,
with the request, channel and brand ids, and never a secret."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from responders.cli import app, load_commands
from tests.conftest import ROOT, make_settings
from tests.fakes.config import write_config
from tests.responders.web.conftest import free_port

MAKEGOOD = str(Path(sys.executable).parent / "makegood")
FEED_TOKEN = "feed-token-value-8128"  # in $MAKEGOOD_FEED_TOKEN: masked by value
URL_PASSWORD = "feed-url-password-3141"  # a URL's user part: masked by shape


def json_lines(stderr: str) -> list[dict[str, Any]]:
    """Every stderr line parsed as JSON (fails on a line that is not one event)."""
    events = []
    for line in stderr.splitlines():
        event = json.loads(line)
        assert {"time", "level", "logger", "message"} <= set(event), line
        events.append(event)
    return events


def environment(db_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "MAKEGOOD_DATABASE_URL": db_url,
        "MAKEGOOD_SECRET_KEY": "test-secret-key-" + "x" * 32,
        **extra,
    }


def failing_feed_config(db_url: str, tmp_path: Path) -> Path:
    """A configuration whose one channel is a feed on a closed port, credentials in its URL."""
    base = make_settings(db_url, tmp_path)
    brand = base.brands[0].model_dump()
    url = f"http://reader:{URL_PASSWORD}@127.0.0.1:{free_port()}/feed.xml?token={FEED_TOKEN}"
    brand["channels"] = [{"type": "rss", "name": "news", "url": url, "interval_seconds": 1}]
    settings = make_settings(db_url, tmp_path, brands=[brand])
    return write_config(settings, tmp_path / "makegood.toml")


def run_until(command: list[str], env: dict[str, str], cwd: Path, done: str) -> str:
    """Run a command until its stderr contains `done` (or 60 s), stop it, return its stderr."""
    log = cwd / "stderr.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, cwd=cwd, stderr=sink)
        try:
            deadline = time.monotonic() + 60
            while done not in log.read_text(errors="replace"):
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f"never logged {done!r}:\n{log.read_text()}"
                time.sleep(0.1)
        finally:
            process.terminate()
            process.wait(timeout=30)
    return log.read_text()


def test_the_worker_logs_json_with_the_channel_and_brand_and_no_secret(
    db_url: str, tmp_path: Path
) -> None:
    config = failing_feed_config(db_url, tmp_path)
    env = environment(db_url, MAKEGOOD_FEED_TOKEN=FEED_TOKEN)
    command = [MAKEGOOD, "worker", "--config", str(config), "--log-format", "json"]
    stderr = run_until(command, env, tmp_path, "failed (1 in a row)")
    events = json_lines(stderr)
    [failure] = [e for e in events if "failed (1 in a row)" in e["message"]]
    assert failure["level"] == "warning"
    assert failure["channel"] == "Kettlebird:rss:news" and failure["brand"] == "Kettlebird"
    assert "token=***" in failure["message"]  # the URL is there, the token's value is not
    assert any(e["message"].startswith("worker ") and "started" in e["message"] for e in events)
    assert FEED_TOKEN not in stderr and URL_PASSWORD not in stderr


def test_serve_logs_json_in_every_worker_process_with_the_request_id(
    db_url: str, tmp_path: Path
) -> None:
    port = free_port()
    env = environment(db_url, MAKEGOOD_CONFIG=str(ROOT / "config" / "makegood.example.toml"))
    command = [MAKEGOOD, "serve", "--port", str(port), "--workers", "2", "--verbose"]
    env["MAKEGOOD_LOG_FORMAT"] = "json"  # the environment's way, as a systemd unit would set it
    log = tmp_path / "stderr.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=sink)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    response = httpx.get(
                        f"http://127.0.0.1:{port}/healthz",
                        headers={"X-Request-ID": "trace-me-77"},
                        timeout=2,
                    )
                    break
                except httpx.TransportError:
                    assert server.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.1)
            assert response.headers["x-request-id"] == "trace-me-77"
            case_page = httpx.get(
                f"http://127.0.0.1:{port}/cases/5",
                headers={"X-Request-ID": "trace-case-5"},
                timeout=10,
            )
            assert case_page.status_code == 303  # to the login page
            while "trace-me-77" not in log.read_text() or "trace-case-5" not in log.read_text():
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        finally:
            server.terminate()
            server.wait(timeout=30)
    events = json_lines(log.read_text())
    [access] = [e for e in events if e.get("request_id") == "trace-me-77"]
    assert access["logger"] == "uvicorn.access" and "/healthz" in access["message"]
    assert "case_id" not in access
    [case_access] = [e for e in events if e.get("request_id") == "trace-case-5"]
    assert case_access["case_id"] == "5" and "/cases/5" in case_access["message"]
    # Both worker processes started with the JSON configuration (uvicorn starts them afresh).
    started = [e for e in events if e["message"].startswith("Started server process")]
    assert len(started) == 2


def test_poll_logs_json_lines_for_its_failures(db_url: str, tmp_path: Path) -> None:
    config = failing_feed_config(db_url, tmp_path)
    env = environment(db_url, MAKEGOOD_FEED_TOKEN=FEED_TOKEN)
    command = [MAKEGOOD, "poll", "--config", str(config), "--log-format", "json"]
    done = subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stderr  # the channel failed
    # The summary table for people follows the events; every event is one JSON line.
    lines = [line for line in done.stderr.splitlines() if line.startswith("{")]
    [failure] = [e for e in json_lines("\n".join(lines)) if "failed (1 in a row)" in e["message"]]
    assert failure["channel"] == "Kettlebird:rss:news" and failure["brand"] == "Kettlebird"
    assert all(FEED_TOKEN not in line and URL_PASSWORD not in line for line in lines)


def test_an_unknown_log_format_is_refused_by_name() -> None:
    load_commands([])
    result = CliRunner().invoke(app, ["poll", "--log-format", "xml"])
    assert result.exit_code == 2
    assert "--log-format: expected 'text' or 'json', got 'xml'" in result.output
