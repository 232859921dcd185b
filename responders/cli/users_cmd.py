"""`makegood users add/list/disable/enable/password/token/tokens/revoke-token`: staff accounts."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from monitor.storage import models as m
from responders.cli import app
from responders.cli.common import ConfigOption, database_or_exit, fail, settings_or_exit
from responders.staff.accounts import add_user, list_users, set_active, set_password
from responders.staff.tokens import create_token, list_tokens, revoke_token

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


@users_app.command("token")
def token(
    username: str = typer.Argument(..., help="whose token: it acts with this user's role"),
    name: str = typer.Option("", "--name", help="what the token is for (shown in lists)"),
    config: Path | None = ConfigOption,
) -> None:
    """Make a personal API token and print it once (only its hash is kept)."""
    settings = settings_or_exit(config)
    _, factory = database_or_exit(settings)
    with factory() as session, session.begin():
        result = create_token(session, username, name)
        if not result.ok or result.value is None:
            fail(result.error, 1)
        made = result.value
        token_id = made.token.id
    typer.echo(made.secret)
    typer.echo(
        f"token #{token_id} for {username.strip().lower()}: shown once, store it now;"
        f" send it as 'Authorization: Bearer <token>'",
        err=True,
    )


@users_app.command("tokens")
def tokens(
    username: str = typer.Argument("", help="only this user's tokens"),
    config: Path | None = ConfigOption,
) -> None:
    """List API tokens: id, user, name, prefix, created, last used, revoked."""
    settings = settings_or_exit(config)
    _, factory = database_or_exit(settings)
    with factory() as session:
        for row, owner in list_tokens(session, username or None):
            used = row.last_used_at.isoformat(timespec="seconds") if row.last_used_at else "never"
            revoked = row.revoked_at.isoformat(timespec="seconds") if row.revoked_at else "live"
            created = row.created_at.isoformat(timespec="seconds")
            typer.echo(
                f"{row.id}\t{owner}\t{row.name}\t{row.prefix}…\t{created}\t{used}\t{revoked}"
            )


@users_app.command("revoke-token")
def revoke(
    token_id: int = typer.Argument(..., help="the token's id (see `makegood users tokens`)"),
    config: Path | None = ConfigOption,
) -> None:
    """Revoke an API token: it is refused from the next request on."""
    settings = settings_or_exit(config)
    _, factory = database_or_exit(settings)
    with factory() as session, session.begin():
        result = revoke_token(session, token_id)
        if not result.ok:
            fail(result.error, 1)
    typer.echo(f"revoked token #{token_id}")
