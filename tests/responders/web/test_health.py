"""/healthz and /readyz over TCP: each readiness check fails on its own, then passes again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, text, update
from sqlalchemy.orm import Session, sessionmaker

from monitor import heartbeat
from monitor.ingest import writes
from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from monitor.storage.engine import make_engine, make_sessionmaker
from responders.web.app import create_app
from responders.web.readiness import migration_heads
from tests.conftest import make_settings
from tests.responders.web.conftest import served

CHANNEL = "Kettlebird:replay:demo"  # the example configuration's one channel
CHECKS = ("database", "migrations", "worker", "channels")


def readiness(base: str) -> tuple[int, dict[str, bool]]:
    """/readyz's status code and each check's outcome by name."""
    response = httpx.get(f"{base}/readyz", timeout=10)
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == ("ready" if response.status_code == 200 else "not ready")
    return response.status_code, {check["name"]: check["ok"] for check in body["checks"]}


def beat(factory: sessionmaker[Session], seconds_ago: float = 0) -> None:
    """A worker heartbeat, as the worker's own job writes it."""
    with factory() as session, session.begin():
        heartbeat.beat(session, "test-worker", 120, utcnow() - timedelta(seconds=seconds_ago))


def no_heartbeat(factory: sessionmaker[Session]) -> None:
    with factory() as session, session.begin():
        heartbeat.forget(session, "test-worker")


def old_schema(factory: sessionmaker[Session]) -> None:
    with factory() as session, session.begin():
        session.execute(text("UPDATE alembic_version SET version_num = '0000_older'"))


def current_schema(factory: sessionmaker[Session]) -> None:
    [head] = migration_heads()
    with factory() as session, session.begin():
        session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})


def channel_down(factory: sessionmaker[Session]) -> None:
    """The example channel failing for two hours (down after 30 minutes)."""
    with factory() as session, session.begin():
        row = writes.get_or_create_channel(session, CHANNEL, "Kettlebird", "replay")
        row.down_since = utcnow() - timedelta(hours=2)
        row.consecutive_failures = 40


def channel_back(factory: sessionmaker[Session]) -> None:
    with factory() as session, session.begin():
        session.execute(
            update(m.Channel)
            .where(m.Channel.key == CHANNEL)
            .values(down_since=None, consecutive_failures=0)
        )


Step = Callable[[sessionmaker[Session]], None]


@pytest.mark.parametrize(
    ("check", "breaks", "mends"),
    [
        ("migrations", old_schema, current_schema),
        ("worker", no_heartbeat, beat),
        ("worker", lambda factory: beat(factory, seconds_ago=600), beat),  # a stale heartbeat
        ("channels", channel_down, channel_back),
    ],
    ids=["migrations behind", "no worker", "stale worker", "channel down"],
)
def test_each_readiness_check_fails_alone_then_passes(
    app: FastAPI, factory: sessionmaker[Session], check: str, breaks: Step, mends: Step
) -> None:
    beat(factory)
    with served(app) as base:
        status, checks = readiness(base)
        assert status == 200 and tuple(checks) == CHECKS
        assert all(checks.values())

        breaks(factory)
        status, checks = readiness(base)
        assert status == 503
        assert [name for name, ok in checks.items() if not ok] == [check]

        mends(factory)
        assert readiness(base) == (200, dict.fromkeys(checks, True))


def test_without_a_database_healthz_is_alive_and_readyz_says_why(
    web_settings: Settings, tmp_path: Path
) -> None:
    password = "pw-not-in-the-body-4711"
    engine = make_engine(f"postgresql://bob:{password}@127.0.0.1:1/nowhere")
    app = create_app(web_settings, factory=make_sessionmaker(engine))
    with served(app) as base:
        alive = httpx.get(f"{base}/healthz", timeout=10)
        assert alive.status_code == 200 and alive.json() == {"status": "ok"}
        response = httpx.get(f"{base}/readyz", timeout=30)
    assert response.status_code == 503
    checks = {c["name"]: c for c in response.json()["checks"]}
    assert not checks["database"]["ok"] and "OperationalError" in checks["database"]["detail"]
    assert all(
        checks[name] == {"name": name, "ok": False, "detail": "skipped: database unreachable"}
        for name in ("migrations", "worker", "channels")
    )
    assert password not in response.text
    engine.dispose()


def test_a_deployment_without_a_worker_can_skip_the_worker_check(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "test-secret-key-" + "x" * 32)
    settings = make_settings(db_url, tmp_path, health={"require_worker": False})
    with factory() as session, session.begin():
        session.execute(delete(m.Lease))
    with served(create_app(settings, factory=factory)) as base:
        assert readiness(base) == (200, dict.fromkeys(CHECKS, True))


def test_probes_need_no_login_and_carry_a_request_id(app: FastAPI) -> None:
    with served(app) as base, httpx.Client(base_url=base, timeout=10) as client:
        given = client.get("/healthz", headers={"X-Request-ID": "probe-42.a"})
        made = client.get("/healthz")
        forged = client.get("/healthz", headers={"X-Request-ID": 'x" injected="1'})
        page = client.get("/login")
    assert given.status_code == 200 and given.headers["x-request-id"] == "probe-42.a"
    assert len(made.headers["x-request-id"]) == 32  # a fresh uuid4, hex
    assert forged.headers["x-request-id"] not in ('x" injected="1', made.headers["x-request-id"])
    assert len(page.headers["x-request-id"]) == 32  # every page, not only the probes
    assert "set-cookie" not in given.headers  # probes get no session
