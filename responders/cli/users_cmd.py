"""`makegood users add/list/disable/enable/password`: staff accounts from the command line."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from monitor.storage import models as m
from responders.cli import app
from responders.cli.common import ConfigOption, database_or_exit, fail, settings_or_exit
from responders.staff.accounts import add_user, list_users, set_active, set_password

users_app = typer.Typer(help="Manage staff accounts (roles: viewer, responder, approver, admin).")
app.add_typer(users_app, name="users")

PasswordEnvOption = typer.Option(
    None,
    "--password-env",
    help="read the password from this environment variable instead of prompting",
)


def _password(password_env: str | None) -> str:
    """The new password: from the named variable, or typed twice at a hidden prompt."""
    if password_env:
        value = os.environ.get(password_env)
        if value is None:
            fail(f"the environment variable {password_env} is not set")
        return value
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def add(
    username: str = typer.Argument(..., help="login name (lower case)"),
    role: str = typer.Option("responder", "--role", "-r", help=f"one of {', '.join(m.ROLES)}"),
    name: str = typer.Option("", "--name", help="display name"),
    email: str = typer.Option("", "--email"),
    password_env: str | None = PasswordEnvOption,
    config: Path | None = ConfigOption,
) -> None:
    """Add a staff account."""
    settings = settings_or_exit(config)
    if role not in m.ROLES:
        fail(f"unknown role {role!r}; roles: {', '.join(m.ROLES)}")
    password = _password(password_env)
    _, factory = database_or_exit(settings)
    with factory() as session, session.begin():
        result = add_user(session, username, password, role, display_name=name, email=email)
        if not result.ok:
            fail(result.error, 1)
    typer.echo(f"added {username.strip().lower()} ({role})")


@users_app.command("list")
def list_cmd(config: Path | None = ConfigOption) -> None:
    """List staff accounts."""
    settings = settings_or_exit(config)
    _, factory = database_or_exit(settings)
    with factory() as session:
        for user in list_users(session):
            state = "active" if user.active else "disabled"
            typer.echo(f"{user.username}\t{user.role}\t{state}\t{user.display_name}")


def _toggle(username: str, active: bool, config: Path | None) -> None:
    settings = settings_or_exit(config)
    _, factory = database_or_exit(settings)
    with factory() as session, session.begin():
        result = set_active(session, username, active)
        if not result.ok:
            fail(result.error, 1)
    typer.echo(f"{'enabled' if active else 'disabled'} {username}")


@users_app.command("disable")
def disable(username: str, config: Path | None = ConfigOption) -> None:
    """Disable an account: its sessions stop working at once; its history stays."""
    _toggle(username, False, config)


@users_app.command("enable")
def enable(username: str, config: Path | None = ConfigOption) -> None:
    """Re-enable a disabled account."""
    _toggle(username, True, config)


@users_app.command("password")
def password(
    username: str, password_env: str | None = PasswordEnvOption, config: Path | None = ConfigOption
) -> None:
    """Set a new password for an account."""
    settings = settings_or_exit(config)
    value = _password(password_env)
    _, factory = database_or_exit(settings)
    with factory() as session, session.begin():
        result = set_password(session, username, value)
        if not result.ok:
            fail(result.error, 1)
    typer.echo(f"password changed for {username}")
