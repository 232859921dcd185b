"""Fixtures for the JSON API: a token per role and an HTTP client on the live server (TCP)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from responders.staff.tokens import create_token


@pytest.fixture
def tokens(factory: sessionmaker[Session], staff: dict[str, int]) -> dict[str, str]:
    """A live API token for each of the staff (vera viewer, rob responder, alice, ada)."""
    made = {}
    with factory() as session, session.begin():
        for username in staff:
            result = create_token(session, username, f"{username}'s script")
            assert result.value is not None, result.error
            made[username] = result.value.secret
    return made


@pytest.fixture
def api_for(live_server: str, tokens: dict[str, str]) -> Iterator[Callable[[str], httpx.Client]]:
    """Make an HTTP client on the real server, authenticated with one person's token."""
    clients: list[httpx.Client] = []

    def make(username: str) -> httpx.Client:
        headers = {"Authorization": f"Bearer {tokens[username]}"} if username else {}
        client = httpx.Client(base_url=f"{live_server}/api/v1", headers=headers, timeout=30)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
