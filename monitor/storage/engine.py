"""Engines and sessions for SQLite (WAL, the embedded default) and PostgreSQL, and migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from monitor.secrets import is_password_parameter, mask, mask_urls

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on any exception."""
    with factory() as session, session.begin():
        yield session


def alembic_config(engine: Engine | None = None) -> Any:
    """The Alembic configuration for the bundled migrations, bound to `engine` if given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        # Handed over as an object, never as the option: Alembic's config would read a `%` in a
        # URL-encoded password as interpolation, fail, and print the URL with the password.
        config.attributes["engine"] = engine
    return config


def display_url(url: str) -> str:
    """The database URL as it may appear in messages and logs: every password masked.

    Both the user part's and a `password=` query parameter's (psycopg and others accept one).
    """
    try:
        return mask_urls(make_url(url).render_as_string(hide_password=True))
    except Exception:  # not even a URL: say nothing of it that could be a secret
        return "(an unreadable database URL)"


def redact(message: str, url: str) -> str:
    """`message` with the password of `url` masked wherever it appears (drivers may echo it)."""
    secrets: set[str] = set()
    try:
        parsed = make_url(url)
        secrets.add(str(parsed.password or ""))
        for key, value in parsed.query.items():
            if is_password_parameter(key):
                secrets.update([value] if isinstance(value, str) else value)
    except Exception:
        pass
    message = message.replace(url, display_url(url))
    return mask(message, {form for s in secrets if s for form in (s, quote_plus(s))})


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (idempotent: a current database is left as it is)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def open_database(url: str, migrate: bool = True) -> tuple[Engine, sessionmaker[Session]]:
    """Connect to `url`, bring its schema up to date, and return the engine and session factory."""
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return engine, make_sessionmaker(engine)
