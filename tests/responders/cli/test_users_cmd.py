"""`makegood users add/list/disable/enable`: passwords from a prompt or an environment variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from responders.cli import app, load_commands

runner = CliRunner()


@pytest.fixture
def config(db_url: str, tmp_path: Path) -> Path:
    """A configuration file pointing at the test database."""
    path = tmp_path / "makegood.toml"
    example = (Path(__file__).resolve().parents[3] / "config" / "makegood.example.toml").read_text()
    example = example.replace('url = "sqlite:///data/makegood.db"', f'url = "{db_url}"')
    path.write_text(example.replace('data_dir = "data"', f'data_dir = "{tmp_path / "data"}"'))
    load_commands([])
    return path


def run(config: Path, *args: str, env: dict[str, str] | None = None, stdin: str = "") -> object:
    return runner.invoke(app, ["users", *args, "--config", str(config)], env=env, input=stdin)


def test_add_from_env_list_disable_enable(config: Path) -> None:
    env = {"NEW_PW": "a long enough password"}
    result = run(config, "add", "sam", "--role", "approver", "--password-env", "NEW_PW", env=env)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "a long enough password" not in result.output  # type: ignore[attr-defined]
    listed = run(config, "list")
    assert "sam\tapprover\tactive" in listed.output  # type: ignore[attr-defined]
    assert run(config, "disable", "sam").exit_code == 0  # type: ignore[attr-defined]
    assert "sam\tapprover\tdisabled" in run(config, "list").output  # type: ignore[attr-defined]
    assert run(config, "enable", "sam").exit_code == 0  # type: ignore[attr-defined]


def test_add_prompts_twice_without_echo(config: Path) -> None:
    result = run(config, "add", "pat", stdin="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "a long enough password" not in result.output  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["add", "sam", "--password-env", "MISSING_PW"], {}, "MISSING_PW is not set"),
        (
            ["add", "sam", "--role", "boss", "--password-env", "PW"],
            {"PW": "x" * 12},
            "unknown role",
        ),
        (["add", "sam", "--password-env", "PW"], {"PW": "short"}, "at least 10"),
        (["disable", "ghost"], {}, "no user named 'ghost'"),
    ],
)
def test_errors_are_clear(config: Path, args: list[str], env: dict[str, str], message: str) -> None:
    result = run(config, *args, env=env)
    assert result.exit_code != 0
    assert message in result.output  # type: ignore[attr-defined]


def test_token_is_printed_once_listed_by_prefix_and_revoked(config: Path) -> None:
    env = {"NEW_PW": "a long enough password"}
    assert run(config, "add", "sam", "--password-env", "NEW_PW", env=env).exit_code == 0  # type: ignore[attr-defined]
    made = run(config, "token", "sam", "--name", "helpdesk sync")
    assert made.exit_code == 0, made.output  # type: ignore[attr-defined]
    secret = made.stdout.strip()  # type: ignore[attr-defined]
    assert secret.startswith("mg_") and "\n" not in secret  # stdout is the token alone
    assert "shown once" in made.stderr  # type: ignore[attr-defined]
    listed = run(config, "tokens")
    assert secret not in listed.output  # type: ignore[attr-defined]
    assert f"\tsam\thelpdesk sync\t{secret[:8]}…" in listed.output  # type: ignore[attr-defined]
    assert listed.output.rstrip().endswith("never\tlive")  # type: ignore[attr-defined]
    token_id = listed.output.split("\t", 1)[0]  # type: ignore[attr-defined]
    assert run(config, "revoke-token", token_id).exit_code == 0  # type: ignore[attr-defined]
    assert "\tlive" not in run(config, "tokens", "sam").output  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "message"),
    [(["token", "ghost"], "no user named 'ghost'"), (["revoke-token", "77"], "no API token #77")],
)
def test_token_errors_are_clear(config: Path, args: list[str], message: str) -> None:
    result = run(config, *args)
    assert result.exit_code != 0
    assert message in result.output  # type: ignore[attr-defined]
