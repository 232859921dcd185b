"""`makegood run` as users run it: worker and web app in one process, stopped by a signal."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.storage import models as m
from tests.conftest import ROOT
from tests.fakes.config import write_config
from tests.fakes.smtp import SmtpServer
from tests.responders.worker.helpers import append, post_line, worker_settings

MAIN = "import sys; from responders.cli import main; sys.argv[0] = 'makegood'; main()"


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(
    check: Callable[[], Any], what: str, proc: subprocess.Popen[bytes], log: Path
) -> Any:
    """Poll `check` until it is truthy; fail with the process output at the deadline."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"makegood run exited ({proc.returncode}) before {what}:\n"
                + log.read_text(errors="replace")
            )
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"not reached in time: {what}\n" + log.read_text(errors="replace"))


def login_page(base: str) -> bool:
    """Whether the web app answers the login page."""
    try:
        with urllib.request.urlopen(f"{base}/login", timeout=2) as response:
            return response.status == 200 and b"csrf_token" in response.read()
    except (urllib.error.URLError, OSError):
        return False


def stored(factory: sessionmaker[Session]) -> tuple[int, int]:
    """(mentions stored, lines the replay channel's cursor says were read)."""
    with factory() as session:
        mentions = session.scalar(select(func.count()).select_from(m.Mention)) or 0
        cursors = session.scalars(select(m.Channel.cursor)).all()
        return mentions, sum(int((c or {}).get("line", 0)) for c in cursors)


def posts(start: int, count: int) -> list[str]:
    """Ordinary brand mentions (each one stored as a mention)."""
    now = utcnow()
    return [
        post_line(n, now, f"kettlebird kettle number {n} arrived today, works fine")
        for n in range(start, start + count)
    ]


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_run_serves_and_polls_then_stops_cleanly(
    stop_with: signal.Signals,
    db_url: str,
    tmp_path: Path,
    factory: sessionmaker[Session],
) -> None:
    smtp = SmtpServer()
    smtp.start()
    try:
        stream = tmp_path / "stream.jsonl"
        append(stream, *posts(0, 12))
        base = worker_settings(db_url, tmp_path, smtp, stream, interval=1)
        port = free_port()
        channel = base.brands[0].channels[0].model_dump()
        channel["options"] = {**channel.get("options", {}), "page_size": 5}
        brand = {**base.brands[0].model_dump(), "channels": [channel]}
        settings = base.model_copy(
            update={
                "web": base.web.model_copy(update={"host": "127.0.0.1", "port": port}),
                "brands": [type(base.brands[0]).model_validate(brand)],
            }
        )
        config = write_config(settings, tmp_path / "makegood.toml")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "MAKEGOOD_SECRET_KEY": "k" * 48}
        env.pop("MAKEGOOD_DATABASE_URL", None)
        env.pop("MAKEGOOD_CONFIG", None)
        out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
        proc = subprocess.Popen(
            [sys.executable, "-c", MAIN, "run", "-c", str(config)],
            cwd=ROOT,
            env=env,
            stdout=out.open("wb"),
            stderr=err.open("wb"),
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until(lambda: login_page(url), "the login page answers", proc, err)
            wait_until(lambda: stored(factory) == (12, 12), "the first posts are stored", proc, err)
            # More posts right before the signal: a poll may be mid-page when it arrives.
            append(stream, *posts(12, 23))
            wait_until(lambda: stored(factory)[0] > 12, "a poll of the new posts", proc, err)
            proc.send_signal(stop_with)
            code = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    finally:
        smtp.stop()

    stderr = err.read_text(errors="replace")
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert "worker" in stderr and "stopped" in stderr  # the worker stopped, not just the server
    assert not login_page(f"http://127.0.0.1:{port}")  # the web app is gone too
    mentions, read = stored(factory)
    assert mentions == read  # no half-written page: what the cursor passed is stored
    assert 12 < mentions <= 35
    with factory() as session:
        holders = session.scalars(
            select(m.Lease.owner).where(m.Lease.until > utcnow(), m.Lease.owner != "")
        ).all()
    assert holders == []  # every lease let go: a restart may start at once
