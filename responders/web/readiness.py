"""/readyz's checks: database reachable, migrations current, a worker alive, no channel down.

Each check is a value (`Check`: name, ok, detail); the route answers 200 when all pass and 503
otherwise, with every check in the body, so a probe or a person sees what is wrong. The checks
after the database's fail as "skipped: database unreachable" when it cannot be reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from monitor import heartbeat
from monitor.health import is_down
from monitor.secrets import mask, secret_values
from monitor.settings import Settings
from monitor.sources import channel_key
from monitor.storage import models as m
from monitor.storage.engine import alembic_config


@dataclass(frozen=True)
class Check:
    """One readiness check's outcome."""

    name: str
    ok: bool
    detail: str

    def as_json(self) -> dict[str, object]:
        """The check as the JSON body lists it."""
        return asdict(self)


@cache
def migration_heads() -> frozenset[str]:
    """The head revisions of the bundled migrations (read once: they ship with the code)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def database_revisions(session: Session) -> frozenset[str]:
    """The revisions the database says it is at (empty before any migration)."""
    from alembic.runtime.migration import MigrationContext

    return frozenset(MigrationContext.configure(session.connection()).get_current_heads())


def check_migrations(session: Session) -> Check:
    """The database is at the code's migration head."""
    wanted, found = migration_heads(), database_revisions(session)
    if found == wanted:
        return Check("migrations", True, f"at {', '.join(sorted(found))}")
    have = ", ".join(sorted(found)) or "no revision"
    return Check(
        "migrations",
        False,
        f"database at {have}, code at {', '.join(sorted(wanted))}: run a command that migrates "
        "(makegood serve, worker or check)",
    )


def check_worker(session: Session, settings: Settings, now: datetime) -> Check:
    """Some worker's heartbeat is younger than health.worker_stale_seconds."""
    stale = settings.health.worker_stale_seconds
    if not settings.health.require_worker:
        return Check("worker", True, "not required (health.require_worker = false)")
    newest, _count = heartbeat.latest(session)
    alive = heartbeat.alive(session, now, stale)
    if alive:
        return Check("worker", True, f"{alive} worker(s) beat within {stale} s")
    if newest is None:
        return Check("worker", False, "no worker has ever beaten: is `makegood worker` running?")
    age = int((now - newest).total_seconds())
    return Check("worker", False, f"last heartbeat {age} s ago (stale after {stale} s)")


def configured_channels(settings: Settings) -> dict[str, float]:
    """Each enabled channel's key and its down_after_minutes."""
    return {
        channel_key(brand, channel): channel.down_after_minutes
        for brand in settings.brands
        for channel in brand.channels
        if channel.enabled
    }


def down_channels(session: Session, settings: Settings, now: datetime) -> list[str]:
    """The keys of configured channels failing for longer than their down_after_minutes."""
    limits = configured_channels(settings)
    rows = session.execute(
        select(m.Channel.key, m.Channel.down_since).where(m.Channel.down_since.is_not(None))
    ).all()
    return sorted(key for key, since in rows if key in limits and is_down(since, now, limits[key]))


def check_channels(session: Session, settings: Settings, now: datetime) -> Check:
    """No configured channel is down."""
    down = down_channels(session, settings, now)
    if down:
        return Check("channels", False, f"down: {', '.join(down)}")
    return Check("channels", True, f"{len(configured_channels(settings))} channel(s), none down")


def _failure(exc: Exception) -> str:
    """An exception as a check's detail: its type and first line, secrets masked."""
    first = (str(exc).splitlines() or [""])[0][:200]
    return mask(f"{type(exc).__name__}: {first}", secret_values())


def run_checks(factory: sessionmaker[Session], settings: Settings, now: datetime) -> list[Check]:
    """Every readiness check, in order; later ones fail as skipped without a database."""
    after_database: list[tuple[str, Callable[[Session], Check]]] = [
        ("migrations", check_migrations),
        ("worker", lambda session: check_worker(session, settings, now)),
        ("channels", lambda session: check_channels(session, settings, now)),
    ]
    with factory() as session:
        try:
            session.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means "not reachable": say which
            skipped = [
                Check(name, False, "skipped: database unreachable") for name, _ in after_database
            ]
            return [Check("database", False, _failure(exc)), *skipped]
        checks = [Check("database", True, "reachable")]
        for name, check in after_database:
            try:
                checks.append(check(session))
            except Exception as exc:  # e.g. a table an old schema lacks: this check fails
                session.rollback()
                checks.append(Check(name, False, _failure(exc)))
        return checks
