"""Helpers shared by the subcommands: loading settings and the database with clean errors."""

from __future__ import annotations

import logging
import logging.config
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from monitor.log_format import TEXT_FORMAT, LogFormat, logging_config
from monitor.secrets import install_secret_filter
from monitor.settings import ConfigError, Settings, load_settings
from monitor.storage.engine import display_url, open_database, redact

ConfigOption = typer.Option(
    None, "--config", "-c", help="TOML configuration (default: $MAKEGOOD_CONFIG or the example)"
)
LOG_FORMAT_ENV = "MAKEGOOD_LOG_FORMAT"
LogFormatOption = typer.Option(
    "text",
    "--log-format",
    envvar=LOG_FORMAT_ENV,
    help="log lines as 'text' or 'json' (one event per line; default: $MAKEGOOD_LOG_FORMAT)",
)


def log_format_or_exit(value: str) -> LogFormat:
    """The --log-format value checked: 'text' or 'json'."""
    if value not in ("text", "json"):
        fail(f"--log-format: expected 'text' or 'json', got {value!r}")
    return "json" if value == "json" else "text"


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a message for a person on stderr and exit, without a traceback."""
    print(f"makegood: {message}", file=sys.stderr)
    raise typer.Exit(code)


def settings_or_exit(path: Path | None) -> Settings:
    """Load the configuration, or exit with the message naming the key and what is wrong."""
    try:
        return load_settings(path)
    except ConfigError as exc:
        fail(str(exc))


def template_problems(settings: Settings) -> list[str]:
    """What keeps the template folder from serving replies and alert mail (empty: nothing)."""
    from responders.alerts.mail import missing_alert_templates
    from responders.replies.drafting import missing_reply_templates

    folder = Path(settings.templates_dir)
    if not folder.is_dir():
        return [f"{folder}: no such templates folder (templates_dir)"]
    return missing_reply_templates(folder) + missing_alert_templates(str(folder))


def templates_or_exit(settings: Settings) -> None:
    """Exit at start, naming what is missing, when the template folder cannot serve replies."""
    problems = template_problems(settings)
    if problems:
        fail(
            "the reply and alert templates are missing:\n  "
            + "\n  ".join(problems)
            + "\n  `makegood init DIR` writes a configuration with a full templates folder."
        )


def database_or_exit(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """Open and migrate the configured database, or exit with a clear message."""
    try:
        return open_database(settings.database_url)
    except Exception as exc:  # any driver error: connection refused, bad URL, permissions
        first_line = (str(exc).splitlines() or [""])[0]
        detail = redact(f"{type(exc).__name__}: {first_line}", settings.database_url)
        fail(f"cannot open the database {display_url(settings.database_url)}: {detail}")


def setup_logging(verbose: bool = False, log_format: LogFormat = "text") -> dict[str, Any] | None:
    """Log to stderr, every record passed through the secret filter (monitor.secrets) first.

    Text keeps whatever handlers are already there (basicConfig); JSON replaces the root's with
    one JSON-lines handler and returns its configuration, for uvicorn to apply in the worker
    processes it starts (None for text: uvicorn keeps its own).
    """
    level = logging.DEBUG if verbose else logging.INFO
    if log_format == "json":
        config = logging_config(logging.getLevelName(level), "json")
        logging.config.dictConfig(config)
        return config
    logging.basicConfig(level=level, format=TEXT_FORMAT, stream=sys.stderr)
    # Drivers and client libraries log URLs and echo credentials we never passed to a log call.
    install_secret_filter()
    return None


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask), at least 1."""
    counter = getattr(os, "process_cpu_count", None)  # Python >= 3.13
    if counter is not None:
        return counter() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
