"""`makegood init DIR`, `--version`, and the start-up refusals a new installation meets first."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor import bundle
from monitor.settings import load_settings
from responders.cli import app, load_commands
from responders.cli.init_cmd import write_project

load_commands([])
runner = CliRunner()


def test_init_writes_a_configuration_and_every_shipped_template(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    shipped = sorted(p.relative_to(bundle.templates()) for p in bundle.templates().rglob("*.j2"))
    written = sorted(
        p.relative_to(tmp_path / "site" / "templates")
        for p in (tmp_path / "site" / "templates").rglob("*.j2")
    )
    assert written == shipped and len(shipped) >= 14
    settings = load_settings(tmp_path / "site" / "makegood.toml")
    assert Path(settings.templates_dir) == tmp_path / "site" / "templates"
    assert settings.database_url == f"sqlite:///{tmp_path / 'site' / 'data' / 'makegood.db'}"
    assert "MAKEGOOD_CONFIG=" in result.output


def test_init_refuses_to_overwrite_and_changes_nothing(tmp_path: Path) -> None:
    assert write_project(tmp_path).ok
    edited = tmp_path / "templates" / "replies" / "apology.j2"
    edited.write_text("our own apology")
    (tmp_path / "makegood.toml").unlink()  # even with some files gone, the rest are kept
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 2 and "--force" in result.output
    assert edited.read_text() == "our own apology"
    assert not (tmp_path / "makegood.toml").exists()
    forced = runner.invoke(app, ["init", str(tmp_path), "--force"])
    assert forced.exit_code == 0
    assert edited.read_text() == (bundle.templates() / "replies" / "apology.j2").read_text()


def test_init_refuses_a_file_in_place_of_the_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("")
    result = runner.invoke(app, ["init", str(tmp_path / "taken")])
    assert result.exit_code == 2 and "is not a folder" in result.output


def test_version_prints_the_installed_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("makegood 0.")


@pytest.mark.parametrize("command", ["serve", "worker", "run", "demo"])
def test_a_missing_template_folder_stops_the_start(tmp_path: Path, command: str) -> None:
    config = tmp_path / "makegood.toml"
    config.write_text(
        f'templates_dir = "{tmp_path / "gone"}"\n[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n'
    )
    result = runner.invoke(app, [command, "--config", str(config)])
    assert result.exit_code == 2
    assert f"{tmp_path / 'gone'}: no such templates folder" in result.output
    assert "makegood init" in result.output
    assert not (tmp_path / "data").exists()  # refused before the database was made


def test_migrate_brings_a_new_database_to_the_head_then_says_it_is_current(
    tmp_path: Path,
) -> None:
    database = f"sqlite:///{tmp_path / 'new.db'}"
    config = tmp_path / "makegood.toml"
    config.write_text('[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n')
    env = {"MAKEGOOD_DATABASE_URL": database}
    first = runner.invoke(app, ["migrate", "--config", str(config)], env=env)
    assert first.exit_code == 0, first.output
    assert "(was empty)" in first.output
    again = runner.invoke(app, ["migrate", "--config", str(config)], env=env)
    assert again.exit_code == 0 and "(already current)" in again.output


def test_init_into_a_config_folder_puts_the_templates_where_the_file_looks(tmp_path: Path) -> None:
    assert write_project(tmp_path / "config").ok
    settings = load_settings(tmp_path / "config" / "makegood.toml")
    assert Path(settings.templates_dir) == tmp_path / "templates"
    assert (tmp_path / "templates" / "replies" / "apology.j2").is_file()
