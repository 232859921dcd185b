"""`makegood models retrain|list|activate`: the lifecycle from the shell, rollback audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from monitor.storage import models as m
from responders.cli import app, load_commands
from tests.monitor.learned.labeled_posts import add_labels, jargon_rows

runner = CliRunner()


@pytest.fixture
def config(db_url: str, tmp_path: Path) -> Path:
    """The example configuration on the test database, Kettlebird learning from its labels."""
    path = tmp_path / "makegood.toml"
    example = (Path(__file__).resolve().parents[3] / "config" / "makegood.example.toml").read_text()
    example = example.replace('url = "sqlite:///data/makegood.db"', f'url = "{db_url}"')
    example = example.replace('data_dir = "data"', f'data_dir = "{tmp_path / "data"}"')
    example = example.replace('learned = "off"', 'learned = "brand"', 1)
    path.write_text(example)
    load_commands([])
    return path


def run(config: Path, *args: str) -> Any:
    return runner.invoke(app, ["models", *args, "--config", str(config)])


def test_retrain_list_and_roll_back(config: Path, factory: sessionmaker[Session]) -> None:
    assert "no model versions yet" in run(config, "list").output
    add_labels(factory, jargon_rows(60))
    first = run(config, "retrain")
    assert first.exit_code == 0, first.output
    assert "Kettlebird\tkept v1\tno version yet" in first.stdout
    assert "Kettlebird\tnot_due" in run(config, "retrain").stdout  # nothing new: no v2
    add_labels(factory, jargon_rows(4, first=60), minutes=60)
    assert "kept v2" in run(config, "retrain", "--force").stdout
    listed = run(config, "list").stdout.splitlines()
    assert [row.split("\t")[2:4] for row in listed] == [["v2", "active"], ["v1", "retired"]]
    assert "60 labels" in listed[1] and "macro 1.000" in listed[1] and "vs default" in listed[1]
    v1 = listed[1].split("\t")[0].lstrip("#")
    rolled = run(config, "activate", v1)
    assert rolled.exit_code == 0 and "Kettlebird v1 is now the active model" in rolled.stdout
    again = run(config, "activate", v1)
    assert again.exit_code == 1 and "already the active model" in again.output
    with factory() as session:
        entry = session.scalars(select(m.AuditEntry)).one()
    assert (entry.actor, entry.action, entry.target) == (
        "system",
        "model.activate",
        "model:Kettlebird:v1",
    )


def test_activating_a_version_that_does_not_exist_fails_clearly(config: Path) -> None:
    result = run(config, "activate", "42")
    assert result.exit_code == 1 and "model version #42 does not exist" in result.output
