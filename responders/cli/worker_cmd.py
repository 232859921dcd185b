"""`makegood worker` (the scheduler alone) and `makegood run` (the worker and the web app together).

Ctrl-C or SIGTERM stops cleanly: the scheduler waits for running jobs to finish their write.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from types import FrameType

import typer

from monitor.settings import Settings, config_location
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
)
from responders.worker.scheduler import Worker, WorkerRefused

log = logging.getLogger(__name__)


def config_path(config: Path | None) -> str:
    """The absolute path of the configuration the jobs will reload (they get it, not settings)."""
    return str(config_location(config)[0].resolve())


def start_worker(settings: Settings, path: str) -> Worker:
    """Start a worker, or exit with a clear message when another one holds SQLite."""
    worker = Worker(settings, path)
    try:
        worker.start()
    except WorkerRefused as exc:
        fail(str(exc), code=3)
    return worker


@app.command("worker")
def worker(
    config: Path | None = ConfigOption,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="log every job run"),
    log_format: str = LogFormatOption,
) -> None:
    """Run the background jobs (polling, alerts, spike watch, outbox, digests) until stopped."""
    setup_logging(verbose, log_format_or_exit(log_format))
    settings = settings_or_exit(config)
    templates_or_exit(settings)
    database_or_exit(settings)  # migrate and fail early with a clear message
    running = start_worker(settings, config_path(config))
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: finishing running jobs", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        running.stop()


@app.command("run")
def run(
    config: Path | None = ConfigOption,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="log every job run"),
    log_format: str = LogFormatOption,
) -> None:
    """Run the worker and the web app together in one process."""
    log_config = setup_logging(verbose, log_format_or_exit(log_format))
    settings = settings_or_exit(config)
    templates_or_exit(settings)
    database_or_exit(settings)
    import uvicorn  # the web stack loads only for the commands that serve

    from responders.web.app import create_app

    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping the web app and the worker", signal.Signals(signum).name)
        stop.set()

    # uvicorn handles Ctrl-C and SIGTERM while it serves, then restores the handlers it found and
    # raises the signal again: with Python's defaults that is a KeyboardInterrupt traceback or a
    # kill by SIGTERM before the worker could finish its write. Ours just note it.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    running = start_worker(settings, config_path(config))
    try:
        if not stop.is_set():  # a signal during start-up: do not start serving at all
            server = uvicorn.Server(
                uvicorn.Config(
                    create_app(settings),
                    host=settings.web.host,
                    port=settings.web.port,
                    log_level="debug" if verbose else "info",
                    **({"log_config": log_config} if log_config else {}),
                )
            )
            server.run()
    finally:
        running.stop()
