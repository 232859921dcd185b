"""`makegood migrate`: bring the database schema to this release's head, then stop.

Every command that opens the database migrates it too; this one exists so an upgrade can
migrate once, before the web app and the worker start (docs/deployment.md), rather than two
services racing to do it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from monitor.storage.engine import display_url, make_engine
from responders.cli import app
from responders.cli.common import ConfigOption, database_or_exit, fail, settings_or_exit


def revision(engine: Engine) -> str | None:
    """The database's Alembic revision (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@app.command("migrate")
def migrate(config: Path | None = ConfigOption) -> None:
    """Bring the database schema up to date (run once per upgrade, before the services)."""
    settings = settings_or_exit(config)
    url = settings.database_url
    try:
        probe = make_engine(url)
        try:
            before = revision(probe)
        finally:
            probe.dispose()
    except Exception:
        before = None  # a new SQLite file or a database the migration will report on
    engine, _factory = database_or_exit(settings)  # migrates, or exits 2 with the reason
    try:
        after = revision(engine)
    finally:
        engine.dispose()
    if after is None:
        fail(f"{display_url(url)}: no schema revision after migrating")
    change = "already current" if before == after else f"was {before or 'empty'}"
    print(f"{display_url(url)}: at revision {after} ({change})")
