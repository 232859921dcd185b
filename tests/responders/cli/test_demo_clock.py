"""The demo, played in-process: its clock reads as a normal morning and its burst is an incident."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import as_utc, utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.cli.demo_cmd import run_demo_ingest
from responders.web.app import create_app
from tests.conftest import make_settings
from tests.responders.web.seed import PASSWORD, add_staff, csrf_from


@pytest.fixture
def demo_settings(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "test-secret-key-" + "x" * 32)
    return make_settings(db_url, tmp_path)


def test_the_demo_stream_ends_minutes_ago_and_its_burst_opens_an_incident(
    demo_settings: Settings, factory: sessionmaker[Session]
) -> None:
    started = utcnow()
    run_demo_ingest(demo_settings, Console(file=io.StringIO()))
    with factory() as session:
        newest = as_utc(session.scalar(select(func.max(m.Mention.created_at))))
        oldest = as_utc(session.scalar(select(func.min(m.Mention.created_at))))
        newest_case = as_utc(session.scalar(select(func.max(m.RecoveryCase.opened_at))))
        incidents = session.scalars(select(m.Incident).where(m.Incident.kind == "spike")).all()
        grouped = session.scalar(
            select(func.count()).select_from(m.Mention).where(m.Mention.incident_id.is_not(None))
        )
    assert newest is not None and oldest is not None and newest_case is not None
    assert timedelta(0) < started - newest < timedelta(minutes=10)
    assert started - newest_case < timedelta(hours=6)  # a morning's case, not weeks old
    assert timedelta(days=6) < newest - oldest < timedelta(days=8)  # the stream keeps its shape
    (incident,) = incidents
    assert "negative mentions" in incident.summary
    assert grouped is not None and grouped >= 20

    add_staff(factory)
    app = create_app(demo_settings, factory=factory)
    with TestClient(app) as client:
        token = csrf_from(client.get("/login").text)
        client.post(
            "/login",
            data={"username": "rob", "password": PASSWORD, "csrf_token": token, "next": "/"},
        )
        page = client.get("/incidents")
    assert page.status_code == 200
    assert f'href="/incidents/{incident.id}"' in page.text


def test_a_second_demo_run_adds_nothing_and_opens_no_second_incident(
    demo_settings: Settings, factory: sessionmaker[Session]
) -> None:
    run_demo_ingest(demo_settings, Console(file=io.StringIO()))
    run_demo_ingest(demo_settings, Console(file=io.StringIO()))
    with factory() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(m.Incident).where(m.Incident.kind == "spike")
            )
            == 1
        )
