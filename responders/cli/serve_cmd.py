"""`makegood serve`: run the review-queue web app with uvicorn on settings.web.host/port."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import typer

from responders.cli import app
from responders.cli.common import (
    ConfigOption,
    LogFormatOption,
    database_or_exit,
    fail,
    log_format_or_exit,
    settings_or_exit,
    setup_logging,
    templates_or_exit,
    usable_cpus,
)


def tcp_listener(sock: socket.socket) -> socket.socket:
    """The same listening socket, marked IPPROTO_TCP so accepted connections get TCP_NODELAY.

    uvicorn binds the socket it hands its worker processes with protocol 0; accepted sockets
    inherit that, and asyncio only turns Nagle off on sockets that say IPPROTO_TCP. With Nagle
    on, every keep-alive response (headers and body are two writes) waits for the client's
    delayed ACK: +40 ms a request on Linux (uvicorn issue #3149). A Unix socket is left alone.
    """
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto != 0:
        return sock
    tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    tcp.set_inheritable(True)
    return tcp


def run_uvicorn(workers: int, **options: Any) -> None:
    """`uvicorn.run(FACTORY, ...)`, but with N worker processes on a TCP_NODELAY listener."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from responders.web.asgi import FACTORY

    if workers == 1:
        # One process: asyncio binds the socket from getaddrinfo, which says IPPROTO_TCP.
        uvicorn.run(FACTORY, factory=True, workers=1, **options)
        return
    config = uvicorn.Config(FACTORY, factory=True, workers=workers, **options)
    Multiprocess(config, sockets=[tcp_listener(config.bind_socket())]).run()


@app.command("serve")
def serve(
    config: Path | None = ConfigOption,
    host: str | None = typer.Option(None, help="listen address (default: web.host)"),
    port: int | None = typer.Option(None, help="port (default: web.port)"),
    workers: int | None = typer.Option(
        None, "--workers", "-w", help="uvicorn worker processes (default: one per CPU)"
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="debug logging"),
    log_format: str = LogFormatOption,
) -> None:
    """Serve the review queue (log in with an account from `makegood users add`)."""
    from responders.web.security import secret_key

    log_config = setup_logging(verbose, log_format_or_exit(log_format))
    settings = settings_or_exit(config)
    templates_or_exit(settings)
    count = usable_cpus() if workers is None else workers
    if count < 1:
        fail("--workers must be at least 1")
    # Migrate once here, and create the session key file (if the environment has none) before
    # the workers start, so they neither race on the schema nor each make a different key.
    engine, _factory = database_or_exit(settings)
    engine.dispose()
    secret_key(settings)
    if config is not None:
        os.environ["MAKEGOOD_CONFIG"] = str(config.resolve())  # the workers read it
    run_uvicorn(
        count,
        host=host or settings.web.host,
        port=port or settings.web.port,
        proxy_headers=settings.web.secure_cookies,
        server_header=False,
        access_log=verbose,
        log_level="debug" if verbose else "info",
        # JSON: the same configuration in every worker process uvicorn starts.
        **({"log_config": log_config} if log_config else {}),
    )
