"""The worker end to end: a real scheduler polls a live stream, opens the case, mails the alert."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.settings import load_settings
from monitor.storage import models as m
from responders.worker.scheduler import (
    JOB_PREFIX,
    Worker,
    WorkerRefused,
    build_scheduler,
    job_specs,
)
from tests.fakes.config import write_config
from tests.fakes.smtp import smtp_server
from tests.responders.alerts.helpers import SCRIPT, SEVERE
from tests.responders.worker.helpers import append, post_line, worker_settings


def wait_until(check, timeout: float = 15.0):  # type: ignore[no-untyped-def]
    """Poll `check` until it returns something truthy (AssertionError at the deadline)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("condition not met before the deadline")


def test_a_severe_post_becomes_a_case_and_an_alert_mail(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    stream = tmp_path / "stream.jsonl"
    stream.write_text("")
    with smtp_server() as server:
        settings = worker_settings(db_url, tmp_path, server, stream)
        config = write_config(settings, tmp_path / "makegood.toml")
        worker = Worker(load_settings(config), str(config))
        worker.start()
        try:
            append(stream, post_line(1, utcnow(), SEVERE.format(extra=SCRIPT)))
            [mail] = server.wait_for(1, timeout=20)
            with factory() as session:
                case = wait_until(lambda: session.scalars(select(m.RecoveryCase)).first())
                assert case.severity == "critical" and case.status == "open"
            assert f"/cases/{case.id}" in mail.part("plain")
            assert "&lt;script&gt;" in mail.part("html")
            # Later polls of the same stream send nothing more.
            append(stream, post_line(2, utcnow(), "kettlebird coffee arrived, tastes great"))
            with factory() as session:
                wait_until(lambda: session.scalar(select(m.Mention.id).where(
                    m.Mention.external_id == "live-2")))  # fmt: skip
        finally:
            worker.stop()
    assert len(server.mails()) == 1


def test_the_schedule_persists_in_the_database(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    with smtp_server() as server:
        settings = worker_settings(db_url, tmp_path, server, tmp_path / "s.jsonl")
    config = str(write_config(settings, tmp_path / "makegood.toml"))
    worker = Worker(settings, config)
    worker.start()
    worker.stop()
    scheduler = build_scheduler(settings)  # a restarted process reads the same store
    scheduler.start(paused=True)
    try:
        stored = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    expected = {spec.id for spec in job_specs(settings, config)}
    assert expected <= set(stored)
    poll = stored[f"{JOB_PREFIX}poll:Kettlebird:replay:live"]
    assert poll.args == (config, "Kettlebird:replay:live")
    assert poll.max_instances == 1 and poll.coalesce is True


def test_a_second_worker_on_sqlite_is_refused(db_url: str, db_backend: str, tmp_path: Path) -> None:
    if db_backend != "sqlite":
        pytest.skip("on PostgreSQL several workers are allowed")
    with smtp_server() as server:
        settings = worker_settings(db_url, tmp_path, server, tmp_path / "s.jsonl")
    config = str(write_config(settings, tmp_path / "makegood.toml"))
    first = Worker(settings, config)
    first.start()
    try:
        second = Worker(settings, config)
        second.owner = "other-host:1:abc"  # a different process
        with pytest.raises(WorkerRefused, match="one worker runs"):
            second.start()
    finally:
        first.stop()
