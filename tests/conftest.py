"""Shared fixtures: a fresh migrated database per test on SQLite or PostgreSQL, settings, data.

Pick the database with `--db postgres` or MAKEGOOD_TEST_DB=postgres (CI runs both).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from monitor.settings import Settings, load_settings, parse_settings
from monitor.storage.engine import make_engine, make_sessionmaker, upgrade
from monitor.storage.models import Base

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
PG_ADMIN_URL = os.environ.get(
    "MAKEGOOD_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgres"),
        default=os.environ.get("MAKEGOOD_TEST_DB", "sqlite"),
        help="database backend for the tests (default sqlite; env MAKEGOOD_TEST_DB)",
    )


@pytest.fixture(scope="session")
def db_backend(request: pytest.FixtureRequest) -> str:
    """'sqlite' or 'postgres'."""
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def _pg_database() -> Iterator[str]:
    """One PostgreSQL database for the whole run, migrated once, dropped at the end."""
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"makegood_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - environment problem, say so clearly
        pytest.exit(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc}", returncode=3)
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def db_url(request: pytest.FixtureRequest, db_backend: str, tmp_path: Path) -> str:
    """The URL of an empty, migrated database for this test."""
    if db_backend == "postgres":
        url: str = request.getfixturevalue("_pg_database")
        engine = make_engine(url)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            conn.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))
        engine.dispose()
        return url
    template: Path = request.getfixturevalue("_sqlite_template")
    path = tmp_path / "makegood.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test database."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory on the test database."""
    return make_sessionmaker(engine)


@pytest.fixture
def example_settings() -> Settings:
    """The example configuration shipped in config/."""
    return load_settings(ROOT / "config" / "makegood.example.toml")


def make_settings(db_url: str, tmp_path: Path, **overrides: object) -> Settings:
    """Settings for a test: the example brand on `db_url`, with top-level overrides."""
    data = load_settings(ROOT / "config" / "makegood.example.toml").model_dump()
    data["storage"] = {"url": db_url}
    data["data_dir"] = str(tmp_path / "data")
    data.update(overrides)
    return parse_settings(data, "test settings")


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Example settings pointed at the test database."""
    return make_settings(db_url, tmp_path)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip when this checkout has no shared folder beside it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (only CI and developers have it)")
    return SHARED_DATA


# Every publisher configured, aimed at a port nothing listens on: a public reply is a mode the
# editor offers (responders.publishers.reply_modes asks for credentials), and nothing a test
# forgets to point at a local server can reach a real platform. Tests of a missing credential
# delete the variable (monkeypatch.delenv) or pass their own environment.
NOWHERE = "http://127.0.0.1:9"
PUBLISHER_TEST_ENV = {
    "MAKEGOOD_X_CONSUMER_KEY": "test-key",
    "MAKEGOOD_X_CONSUMER_SECRET": "test-secret",
    "MAKEGOOD_X_ACCESS_TOKEN": "test-token",
    "MAKEGOOD_X_ACCESS_TOKEN_SECRET": "test-token-secret",
    "MAKEGOOD_X_API_URL": NOWHERE,
    "MAKEGOOD_REDDIT_CLIENT_ID": "test-id",
    "MAKEGOOD_REDDIT_CLIENT_SECRET": "test-secret",
    "MAKEGOOD_REDDIT_USERNAME": "kettlebird_bot",
    "MAKEGOOD_REDDIT_PASSWORD": "test-password",
    "MAKEGOOD_REDDIT_OAUTH_URL": NOWHERE,
    "MAKEGOOD_REDDIT_URL": NOWHERE,
    "MAKEGOOD_MASTODON_ACCESS_TOKEN": "test-token",
    "MAKEGOOD_MASTODON_API_BASE_URL": NOWHERE,
    "MAKEGOOD_BLUESKY_HANDLE": "kettlebird.test",
    "MAKEGOOD_BLUESKY_APP_PASSWORD": "test-app-password",
    "MAKEGOOD_BLUESKY_URL": NOWHERE,
}


@pytest.fixture(autouse=True)
def publisher_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The fake publisher credentials above, set for every test (unless a test already set one)."""
    for name, value in PUBLISHER_TEST_ENV.items():
        if name not in os.environ:
            monkeypatch.setenv(name, value)
    return PUBLISHER_TEST_ENV
