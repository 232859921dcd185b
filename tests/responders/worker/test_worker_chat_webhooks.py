"""The real worker delivers a severe post's chat alert and its signed webhook events."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.settings import AlertRouteSettings, load_settings
from responders.outbox.endpoints import add_endpoint
from responders.outbox.signing import verify
from responders.worker.scheduler import Worker
from tests.fakes.config import write_config
from tests.fakes.http_server import FakeServer, json_reply, serving
from tests.fakes.seed import add_user
from tests.fakes.smtp import smtp_server
from tests.responders.alerts.helpers import SCRIPT, SEVERE
from tests.responders.worker.helpers import append, post_line, worker_settings

SECRET = "whsec_worker_test_secret_value"


def wait_for_calls(server: FakeServer, path: str, count: int, timeout: float = 20.0) -> list:
    """The requests to `path` once there are `count` of them (AssertionError at the deadline)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = server.calls(path, "POST")
        if len(calls) >= count:
            return calls
        time.sleep(0.05)
    raise AssertionError(f"{path}: {len(server.calls(path))} requests, expected {count}")


def test_the_worker_posts_the_chat_alert_and_the_signed_events_once(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = tmp_path / "stream.jsonl"
    stream.write_text("")
    with smtp_server() as smtp, serving() as receiver:
        receiver.add("POST", "/chat", json_reply({}))
        receiver.add("POST", "/events", json_reply({}))
        monkeypatch.setenv("MAKEGOOD_TEST_CHAT_URL", f"json://127.0.0.1:{receiver.port}/chat")
        base = worker_settings(db_url, tmp_path, smtp, stream)
        route = AlertRouteSettings(url_env="MAKEGOOD_TEST_CHAT_URL")
        alerts = base.alerts.model_copy(update={"routes": [route]})
        local = base.webhooks.model_copy(update={"allow_internal_addresses": True})
        config = write_config(
            base.model_copy(update={"alerts": alerts, "webhooks": local}), tmp_path / "mg.toml"
        )
        assert load_settings(config).alerts.routes == [route]
        with factory() as session, session.begin():
            admin = add_user(session, "ada", "admin")
            events = ["mention.flagged", "case.opened"]
            url = receiver.url + "/events"
            assert add_endpoint(session, admin, url, events, SECRET, allow_internal=True).ok
        worker = Worker(load_settings(config), str(config))
        worker.start()
        try:
            append(stream, post_line(1, utcnow(), SEVERE.format(extra=SCRIPT)))
            [chat] = wait_for_calls(receiver, "/chat", 1)
            posted = wait_for_calls(receiver, "/events", 2)
            smtp.wait_for(1, timeout=20)  # e-mail goes out as before
        finally:
            worker.stop()
    assert "CRITICAL complaint" in chat.json()["title"]
    assert sorted(p.json()["type"] for p in posted) == ["case.opened", "mention.flagged"]
    assert all(verify(SECRET, p.headers["makegood-signature"], p.body, time.time()) for p in posted)
    assert len(receiver.calls("/chat")) == 1 and len(receiver.calls("/events")) == 2
