"""`makegood check`: settings, database and migrations, SMTP, and each channel's credentials.

Prints a table of every check; exit 0 when all pass, 1 when any fails, 2 when the settings
themselves are invalid (the message names the file and field). `--online` also asks each
platform whether it accepts the credentials (one page fetched, nothing stored).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from monitor.secrets import mask, secret_values
from monitor.settings import BrandSettings, ChannelSettings, Settings
from monitor.sources import build_source, channel_key
from monitor.storage.engine import alembic_config, display_url, make_engine, redact
from responders.cli import app
from responders.cli.common import ConfigOption, settings_or_exit, template_problems

SMTP_TIMEOUT_SECONDS = 5.0  # a check should answer quickly; the sender's own timeout may be long


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, whether it passed, and what was found."""

    name: str
    ok: bool | None  # None: skipped (nothing to check), which is not a failure
    detail: str


def _first_line(exc: BaseException) -> str:
    text = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def migration_state(engine: Engine) -> tuple[str | None, str | None]:
    """(the database's Alembic revision or None, the bundled head revision)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head


def _missing_sqlite_file(url: str) -> str:
    """The path of a SQLite database file that does not exist, else ''."""
    try:
        parsed = make_url(url)
    except Exception:
        return ""
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return ""
    if database.startswith("file:") or Path(database).exists():
        return ""
    return database


def check_database(settings: Settings) -> Check:
    """Connect (without migrating) and compare the schema revision to the bundled head."""
    url = settings.database_url
    name = f"database {display_url(url)}"
    missing = _missing_sqlite_file(url)
    if missing:  # connecting would create an empty file: a check changes nothing
        return Check(name, False, f"no database file at {missing}: nothing migrated yet")
    try:
        engine = make_engine(url)
        try:
            current, head = migration_state(engine)
        finally:
            engine.dispose()
    except Exception as exc:  # any driver error: refused, bad URL, permissions
        return Check(name, False, "cannot connect: " + redact(_first_line(exc), url))
    if current is None:
        return Check(name, False, f"not migrated (head {head}): poll or serve migrates it")
    if current != head:
        return Check(name, False, f"migrations behind: at {current}, head is {head}")
    return Check(name, True, f"connected; migrations current ({head})")


def check_smtp(settings: Settings) -> Check:
    """Connect to the SMTP server and say EHLO (no login, no mail), or skip when not set up."""
    smtp = settings.smtp
    name = f"smtp {smtp.host}:{smtp.port}"
    if "smtp" not in settings.model_fields_set:
        return Check("smtp", None, "no [smtp] table in the settings: alert mail not configured")
    timeout = min(SMTP_TIMEOUT_SECONDS, smtp.timeout_seconds)
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=timeout) as client:
            code, _ = client.ehlo()
    except (OSError, smtplib.SMTPException) as exc:
        return Check(name, False, "cannot reach: " + _first_line(exc))
    if code != 250:
        return Check(name, False, f"EHLO answered {code}")
    detail = "reachable (EHLO 250)"
    if smtp.username and not smtp.password:
        return Check(name, False, f"{detail}; {smtp.password_env} is not set for the login")
    return Check(name, True, detail)


def check_channel(brand: BrandSettings, channel: ChannelSettings, online: bool) -> Check:
    """Whether the channel's credentials are present and, `online`, accepted by the platform."""
    key = channel_key(brand, channel)
    if not channel.enabled:
        return Check(f"channel {key}", None, "disabled")
    try:
        source = build_source(brand, channel)  # reads the credentials; fails naming a missing one
    except Exception as exc:
        return Check(f"channel {key}", False, _first_line(exc))
    if not online:
        return Check(f"channel {key}", True, "credentials present (not tried: use --online)")
    try:
        result = source.poll({})  # one page: the cheapest request every source has
    except Exception as exc:
        return Check(f"channel {key}", False, "refused or unreachable: " + _first_line(exc))
    return Check(f"channel {key}", True, f"accepted ({len(result.mentions)} items on one page)")


def check_templates(settings: Settings) -> Check:
    """The reply and alert templates: the folder exists and holds every kind."""
    problems = template_problems(settings)
    if problems:
        return Check("templates", False, "; ".join(problems))
    return Check("templates", True, settings.templates_dir)


def run_checks(settings: Settings, online: bool) -> list[Check]:
    """Every check, in the order shown."""
    checks = [Check("settings", True, "valid"), check_database(settings), check_smtp(settings)]
    checks.append(check_templates(settings))
    for brand in settings.brands:
        checks += [check_channel(brand, channel, online) for channel in brand.channels]
    return checks


def report(checks: list[Check], console: Console) -> None:
    """Print the checks as a table, every detail masked of secrets."""
    secrets = secret_values()
    table = Table(title="makegood check")
    table.add_column("check")
    table.add_column("result")
    table.add_column("detail")
    for check in checks:
        result = {True: "[green]ok[/]", False: "[red]FAIL[/]", None: "[yellow]skipped[/]"}[check.ok]
        table.add_row(check.name, result, mask(check.detail, secrets))
    console.print(table)


@app.command("check")
def check(
    config: Path | None = ConfigOption,
    online: bool = typer.Option(False, help="also ask each platform to accept the credentials"),
) -> None:
    """Check the settings, the database, SMTP and every channel's credentials."""
    settings = settings_or_exit(config)  # exits 2 naming the file and the field
    checks = run_checks(settings, online)
    report(checks, Console())
    raise typer.Exit(1 if any(c.ok is False for c in checks) else 0)
