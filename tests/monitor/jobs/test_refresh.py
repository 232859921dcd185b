"""The refresh job: runs under the "refresh" lease, and not while another worker holds it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from monitor import leases
from monitor.jobs.context import forget_contexts
from monitor.jobs.refresh import refresh_job
from monitor.storage import models as m
from tests.conftest import make_settings
from tests.fakes.config import write_config


def write_config_file(db_url: str, tmp_path: Path) -> str:
    """A config file with one replay channel (a source that cannot refresh: nothing is read)."""
    stream = tmp_path / "s.jsonl"
    stream.write_text(json.dumps({"id": "1", "text": "kettlebird is lovely"}) + "\n")
    base = make_settings(db_url, tmp_path)
    brand = base.brands[0].model_dump()
    brand["channels"] = [{"type": "replay", "name": "t", "path": str(stream)}]
    settings = make_settings(db_url, tmp_path, brands=[brand])
    return str(write_config(settings, tmp_path / "mg.toml"))


def test_the_refresh_job_runs_under_its_lease_and_waits_for_a_holder(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    config = write_config_file(db_url, tmp_path)
    try:
        with factory() as session, session.begin():
            assert leases.try_acquire(session, "refresh", "other", 60, datetime.now(UTC))
        refresh_job(config)  # another worker holds it: nothing happens
        with factory() as session:
            row = session.get(m.Lease, "refresh")
            assert row is not None and row.owner == "other" and row.last_done_at is None
        with factory() as session, session.begin():
            assert leases.release(session, "refresh", "other", done=False)
        refresh_job(config)
        with factory() as session:
            row = session.get(m.Lease, "refresh")
            assert row is not None and row.owner == "" and row.last_done_at is not None
    finally:
        forget_contexts()
