"""A gap a burst left (tests/fakes/bursts.py) reaches staff: an e-mail and the health page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from monitor.settings import Settings
from responders.alerts.mail import queue_alerts
from responders.outbox.dispatch import process_due
from responders.web.app import create_app
from tests.fakes.burst_feeds import START, LiveServer
from tests.fakes.bursts import BOUND_HIT, Build, Run, quiet_then_burst, settings_with
from tests.fakes.smtp import smtp_server
from tests.responders.web.seed import PASSWORD, add_staff, csrf_from


@pytest.fixture
def server() -> Iterator[LiveServer]:
    live = LiveServer().start()
    yield live
    live.stop()


@pytest.mark.parametrize(
    ("case", "platform", "build", "stored", "reason"), BOUND_HIT, ids=[c[0] for c in BOUND_HIT]
)
def test_a_gap_is_mailed_once_and_listed_on_the_channel_health_page(
    case: str, platform: str, build: Build, stored: int, reason: str, server: LiveServer,
    db_url: str, tmp_path: Path, factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "test-secret-key-" + "x" * 32)
    fake, channel = build(server)
    later = START + timedelta(hours=1)
    with smtp_server() as smtp:
        settings = settings_with(db_url, tmp_path, channel, smtp.port)
        run = Run(settings, factory)
        quiet_then_burst(fake, run)
        run.poll()  # the same page again: still one gap, one alert
        for _ in range(2):
            queue_alerts(settings, factory, later)
            process_due(settings, factory, "test-worker", now=later)
        [mail] = smtp.wait_for(1)
    assert mail.message["Subject"] == f"[Streamtest] Mentions may be missing: {run.source.name}"
    text = mail.part("plain")
    assert reason in text and "May be missing: unknown" in text
    assert "http://127.0.0.1:8080/channels" in text
    page = health_page(settings, factory)
    assert run.source.name in page and reason in page
    assert page.count("<tr><td>") == 1  # one gap row


def health_page(settings: Settings, factory: sessionmaker[Session]) -> str:
    """/channels as a logged-in viewer sees it."""
    add_staff(factory)
    with TestClient(create_app(settings, factory=factory)) as client:
        token = csrf_from(client.get("/login").text)
        client.post(
            "/login",
            data={"username": "vera", "password": PASSWORD, "csrf_token": token, "next": "/"},
        )
        response = client.get("/channels")
    assert response.status_code == 200
    return response.text
