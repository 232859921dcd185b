"""Fixtures for the web app: settings, the app, logged-in TestClients, a live server, a browser."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from monitor.settings import Settings
from responders.web.app import create_app
from tests.conftest import make_settings
from tests.responders.web.seed import PASSWORD, add_staff, csrf_from

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def web_settings(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Example settings on the test database, with a session key from the environment."""
    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "test-secret-key-" + "x" * 32)
    return make_settings(db_url, tmp_path)


@pytest.fixture
def staff(factory: sessionmaker[Session]) -> dict[str, int]:
    """One user per role: vera (viewer), rob (responder), alice (approver), ada (admin)."""
    return add_staff(factory)


@pytest.fixture
def app(web_settings: Settings, factory: sessionmaker[Session]) -> FastAPI:
    """The web app on the test database."""
    return create_app(web_settings, factory=factory)


def login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    """Log `client` in through the form (with its CSRF token)."""
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )


@pytest.fixture
def client_for(app: FastAPI, staff: dict[str, int]) -> Iterator[Callable[[str], TestClient]]:
    """Make a TestClient logged in as one of the staff."""
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        client = TestClient(app)
        clients.append(client)
        response = login(client, username)
        assert response.status_code == 303, response.text
        return client

    yield make
    for client in clients:
        client.close()


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(app: FastAPI, proxy_headers: bool = False) -> Iterator[str]:
    """`app` on uvicorn in a thread (trusting X-Forwarded-For from localhost if asked)."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        proxy_headers=proxy_headers,
        forwarded_allow_ips="127.0.0.1",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn in a background thread; yields its base URL."""
    # uvicorn's own default: X-Forwarded-For is trusted from localhost.
    with served(app, proxy_headers=True) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian chromium for the whole session (skips if it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run these")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page; any JavaScript dialog fails the test."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_default_timeout(10_000)
    page.dialogs = dialogs  # type: ignore[attr-defined]
    yield page
    context.close()
    assert not dialogs, f"a JavaScript dialog fired: {dialogs}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters in tests: the default cost (by design ~50 ms a hash) adds up."""
    from argon2 import PasswordHasher

    import responders.staff.accounts

    monkeypatch.setattr(
        responders.staff.accounts,
        "_HASHER",
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )
