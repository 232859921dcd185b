"""`makegood serve --workers N`: the production way to run the app, as a real subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from responders.cli.serve_cmd import default_workers

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def test_default_workers_is_one_per_cpu() -> None:
    assert default_workers() == len(os.sched_getaffinity(0))


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts worker processes through /proc")
def test_serve_runs_the_app_in_worker_processes(db_url: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "MAKEGOOD_DATABASE_URL": db_url,
        "MAKEGOOD_SECRET_KEY": "test-secret-key-" + "x" * 32,
        "MAKEGOOD_CONFIG": str(ROOT / "config" / "makegood.example.toml"),
    }
    makegood = Path(sys.executable).parent / "makegood"
    command = [str(makegood), "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert response.status_code == 200
        assert 'name="csrf_token"' in response.text
        assert len(_children(server.pid)) >= 2  # the two uvicorn workers (spawn may add one)
    finally:
        server.terminate()
        server.wait(timeout=30)
