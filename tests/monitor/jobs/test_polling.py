"""The poll job on a real database: once per interval whoever fires it, never beside a holder."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor import leases
from monitor.jobs.context import context, forget_contexts
from monitor.jobs.polling import poll_channel
from monitor.storage import models as m
from tests.conftest import make_settings
from tests.fakes.config import write_config


def write_replay_config(db_url: str, tmp_path: Path, stream: Path) -> Path:
    """A config file whose only channel replays `stream` ("Kettlebird:replay:t")."""
    base = make_settings(db_url, tmp_path)
    brand = base.brands[0].model_dump()
    brand["channels"] = [
        {"type": "replay", "name": "t", "path": str(stream), "interval_seconds": 60}
    ]
    return write_config(make_settings(db_url, tmp_path, brands=[brand]), tmp_path / "mg.toml")


def test_a_poll_job_runs_once_per_interval_whoever_fires_it(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    stream = tmp_path / "s.jsonl"
    stream.write_text(json.dumps({"id": "1", "text": "kettlebird is lovely"}) + "\n")
    config = str(write_replay_config(db_url, tmp_path, stream))
    ctx = context(config)
    try:
        key = "Kettlebird:replay:t"
        assert poll_channel(ctx, key, "worker-a")  # polled
        assert poll_channel(ctx, key, "worker-b") is None  # done moments ago: skipped
        with factory() as session, session.begin():
            # A worker holding the lease (mid-poll) keeps others out until it expires.
            session.execute(m.Lease.__table__.update().values(last_done_at=None))
            assert leases.try_acquire(session, f"poll:{key}", "worker-c", 60, datetime.now(UTC))
        assert poll_channel(ctx, key, "worker-b") is None
        with factory() as session:
            assert session.scalar(select(m.Channel.mentions_ingested)) == 1
    finally:
        forget_contexts()


def test_a_run_that_read_posts_logs_what_it_did_and_a_quiet_one_logs_nothing(
    db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stream = tmp_path / "s.jsonl"
    lines = [{"id": str(n), "text": f"kettlebird kettle number {n}"} for n in range(3)]
    stream.write_text("".join(json.dumps(line) + "\n" for line in lines))
    ctx = context(str(write_replay_config(db_url, tmp_path, stream)))
    key = "Kettlebird:replay:t"
    try:
        with caplog.at_level(logging.INFO, logger="monitor.jobs.polling"):
            assert poll_channel(ctx, key, "worker-a")
            with ctx.factory() as session, session.begin():  # due again at once
                session.execute(m.Lease.__table__.update().values(last_done_at=None))
            assert poll_channel(ctx, key, "worker-a")  # nothing new in the file
    finally:
        forget_contexts()
    polled = [r.getMessage() for r in caplog.records if r.getMessage().startswith("polled")]
    assert len(polled) == 1
    assert polled[0].startswith(f"polled {key}: 1 pages, 3 fetched, 3 new, 0 duplicates, ")
