"""`makegood serve --workers N`: the production way to run the app, as a real subprocess."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn

from responders.cli.common import usable_cpus
from responders.cli.serve_cmd import tcp_listener

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
    assert usable_cpus() == len(os.sched_getaffinity(0))


def _nodelay_of_accepted(listener: socket.socket) -> int:
    """TCP_NODELAY on a connection an asyncio server accepted from `listener`."""
    seen: asyncio.Future[int]

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def run() -> int:
        nonlocal seen
        seen = asyncio.get_running_loop().create_future()
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        port = listener.getsockname()[1]
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(seen, 10)
        finally:
            writer.close()
            server.close()

    # A thread of its own: another test (the browser's) may have left a loop running here.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result(timeout=30)


def _uvicorn_listener() -> socket.socket:
    """The listener `uvicorn.run` binds for --workers N (protocol 0)."""
    return uvicorn.Config(
        "responders.web.asgi:app_from_env", host="127.0.0.1", port=0
    ).bind_socket()


def _plain_listener() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # protocol 0, like uvicorn's
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.mark.parametrize(
    ("make", "wrap", "nodelay"),
    [
        (_plain_listener, False, False),  # the control: Nagle stays on (uvicorn issue #3149)
        (_plain_listener, True, True),
        (_uvicorn_listener, True, True),  # what `serve --workers N` hands its workers
    ],
)
def test_worker_connections_get_tcp_nodelay(
    make: Callable[[], socket.socket], wrap: bool, nodelay: bool
) -> None:
    """Without TCP_NODELAY every keep-alive response waits ~40 ms for a delayed ACK."""
    listener = make()
    if wrap:
        listener = tcp_listener(listener)
    with listener:
        assert bool(_nodelay_of_accepted(listener)) is nodelay


def test_a_unix_socket_is_left_alone(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.bind(str(tmp_path / "s"))
        assert tcp_listener(sock) is sock


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
