"""The serving half of `makegood demo`: a demo login, then the worker and the web app together."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from monitor.settings import Settings
from responders.staff.accounts import add_user, find_user, set_password

DEMO_USER = "demo"
DEMO_PASSWORD_ENV = "MAKEGOOD_DEMO_PASSWORD"


def demo_login(factory: sessionmaker[Session]) -> str:
    """Make sure the demo admin exists and return its password (new each run unless set)."""
    password = os.environ.get(DEMO_PASSWORD_ENV) or secrets.token_urlsafe(12)
    with factory() as session, session.begin():
        user = find_user(session, DEMO_USER)
        if user is None:
            result = add_user(session, DEMO_USER, password, "admin", display_name="Demo Admin")
        else:
            result = set_password(session, DEMO_USER, password)
        if not result.ok:
            raise RuntimeError(f"cannot prepare the demo login: {result.error}")
    return password


def serve_demo(
    settings: Settings, factory: sessionmaker[Session], console: Console, config: Path | None
) -> None:
    """Print the demo login and run the worker and the web app until Ctrl-C."""
    from responders.cli.worker_cmd import run

    password = demo_login(factory)
    console.print(
        f"[bold]Review queue:[/bold] {settings.web.base_url}  —  log in as "
        f"[bold]{DEMO_USER}[/bold] / [bold]{password}[/bold]  (Ctrl-C stops)",
        highlight=False,
    )
    run(config=config, verbose=False, log_format="text")
