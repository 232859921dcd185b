"""Webhook connections are checked on the address really opened: DNS rebinding is refused."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from responders.outbox.dispatch import process_due
from responders.outbox.endpoints import add_endpoint
from responders.outbox.pinned_transport import (
    GuardedBackend,
    InternalAddressRefused,
    guarded_client,
)
from tests.conftest import make_settings
from tests.fakes.http_server import FakeServer, json_reply, serving
from tests.fakes.pipeline import ingest
from tests.fakes.seed import add_user
from tests.responders.alerts.helpers import complaint

NOW = datetime(2026, 11, 13, 12, 0, tzinfo=UTC)


@pytest.fixture
def receiver() -> Iterator[FakeServer]:
    with serving() as server:
        server.add("POST", "/events", json_reply({"received": True}))
        yield server


def answers(*addresses: str) -> Any:
    return lambda _name: list(addresses)


@pytest.mark.parametrize(
    ("addresses", "named"),
    [
        (["127.0.0.1"], "127.0.0.1"),
        (["93.184.215.14", "10.0.0.7"], "10.0.0.7"),
        (["169.254.169.254"], "169.254.169.254"),
        (["::1"], "::1"),
    ],
)
def test_a_name_resolving_inside_at_the_connect_is_refused_and_nothing_is_sent(
    receiver: FakeServer, addresses: list[str], named: str
) -> None:
    url = f"http://hooks.example:{receiver.port}/events"
    with (
        guarded_client(5.0, GuardedBackend(answers(*addresses))) as client,
        pytest.raises(httpx.ConnectError) as raised,
    ):
        client.post(url, content=b"{}")
    assert isinstance(raised.value.__cause__, InternalAddressRefused)
    assert f"internal address {named}" in str(raised.value)
    assert receiver.calls("/events") == []


def test_the_vetted_address_is_the_one_connected_to_and_the_name_stays_the_host(
    receiver: FakeServer,
) -> None:
    """A name DNS cannot resolve reaches the receiver: the connect used the vetted address."""
    backend = GuardedBackend(answers("127.0.0.1"), internal=lambda _address: False)
    with guarded_client(5.0, backend) as client:
        response = client.post(f"http://hooks.invalid:{receiver.port}/events", content=b"{}")
    assert response.status_code == 200
    [post] = receiver.calls("/events", "POST")
    assert post.headers["host"] == f"hooks.invalid:{receiver.port}"


def test_a_name_that_does_not_resolve_fails_as_unreachable() -> None:
    with (
        guarded_client(5.0, GuardedBackend(answers())) as client,
        pytest.raises(httpx.ConnectError, match="does not resolve"),
    ):
        client.post("http://nowhere.invalid/events", content=b"{}")


def test_unix_sockets_are_never_opened() -> None:
    with pytest.raises(httpcore.ConnectError, match="unix sockets"):
        GuardedBackend().connect_unix_socket("/run/postgresql/.s.PGSQL.5432")


def test_a_webhook_whose_name_rebinds_between_the_check_and_the_connect_is_refused(
    db_url: str,
    tmp_path: Path,
    factory: sessionmaker[Session],
    receiver: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The name answers a public address to the check, then 127.0.0.1: the post never lands."""
    real_lookup = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.example":
            return real_lookup(host, *args, **kwargs)
        lookups.append(host)
        address = "93.184.215.14" if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0))]

    settings = make_settings(db_url, tmp_path)
    with factory() as session, session.begin():
        admin = add_user(session, "ada", "admin")
        url = f"http://rebind.example:{receiver.port}/events"
        added = add_endpoint(
            session, admin, url, ["case.opened"], "whsec_rebinding_test_secret", allow_internal=True
        )
        assert added.value is not None, added
    ingest(settings, factory, [complaint(1, NOW)], NOW)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    sent = process_due(settings, factory, "test-worker", kinds=("webhook",), now=datetime.now(UTC))

    assert [state for _, state in sent] == ["dead"]
    assert len(lookups) == 2  # the check, then the connect
    assert receiver.calls("/events") == []
    with factory() as session:
        [item] = session.scalars(select(m.OutboxItem).where(m.OutboxItem.kind == "webhook"))
    assert "refused: rebind.example resolved to the internal address 127.0.0.1" in item.last_error
