"""The Alembic history and the models agree, upgrades are idempotent, and downgrade works."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from monitor.storage.engine import alembic_config, display_url, make_engine, redact, upgrade
from monitor.storage.models import Base


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    upgrade(engine)
    upgrade(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    command.downgrade(alembic_config(engine), "base")
    assert "mentions" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "mentions" in inspect(engine).get_table_names()


def test_a_database_path_with_percent_and_colon_migrates(tmp_path: Path) -> None:
    # A URL-encoded password (p%40ss) once broke Alembic's config, which reads `%` as interpolation.
    engine = make_engine(f"sqlite:///{tmp_path / 'odd%40name:1.db'}")
    try:
        upgrade(engine)
        assert "mentions" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://app:p%40ss%25word@db:5432/mg", "postgresql://app:***@db:5432/mg"),
        ("postgresql://app@db/mg", "postgresql://app@db/mg"),
        ("sqlite:///data/makegood.db", "sqlite:///data/makegood.db"),
        ("not a url at all", "(an unreadable database URL)"),
    ],
)
def test_database_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    assert display_url(url) == shown


def test_a_driver_message_that_echoes_the_password_is_redacted() -> None:
    url = "postgresql://app:p%40ss@db/mg"
    message = f"failed for {url}: password p@ss rejected (raw p%40ss)"
    cleaned = redact(message, url)
    assert "p@ss" not in cleaned and "p%40ss" not in cleaned
    assert "postgresql://app:***@db/mg" in cleaned
