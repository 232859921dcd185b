"""`makegood serve`: run the review-queue web app with uvicorn on settings.web.host/port."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from responders.cli import app
from responders.cli.common import (
    ConfigOption,
    database_or_exit,
    fail,
    settings_or_exit,
    setup_logging,
)


def default_workers() -> int:
    """One worker process per CPU this process may run on (pages are CPU-bound Python)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@app.command("serve")
def serve(
    config: Path | None = ConfigOption,
    host: str | None = typer.Option(None, help="listen address (default: web.host)"),
    port: int | None = typer.Option(None, help="port (default: web.port)"),
    workers: int | None = typer.Option(
        None, "--workers", "-w", help="uvicorn worker processes (default: one per CPU)"
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="debug logging"),
) -> None:
    """Serve the review queue (log in with an account from `makegood users add`)."""
    import uvicorn

    from responders.web.asgi import FACTORY
    from responders.web.security import secret_key

    setup_logging(verbose)
    settings = settings_or_exit(config)
    count = default_workers() if workers is None else workers
    if count < 1:
        fail("--workers must be at least 1")
    # Migrate once here, and create the session key file (if the environment has none) before
    # the workers start, so they neither race on the schema nor each make a different key.
    engine, _factory = database_or_exit(settings)
    engine.dispose()
    secret_key(settings)
    if config is not None:
        os.environ["MAKEGOOD_CONFIG"] = str(config.resolve())  # the workers read it
    uvicorn.run(
        FACTORY,
        factory=True,
        workers=count,
        host=host or settings.web.host,
        port=port or settings.web.port,
        proxy_headers=settings.web.secure_cookies,
        server_header=False,
        access_log=verbose,
        log_level="debug" if verbose else "info",
    )
