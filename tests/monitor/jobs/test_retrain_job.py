"""The worker's retrain job on a real database: one version however often and by whom it fires."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from monitor.jobs.context import forget_contexts
from monitor.jobs.retrain import retrain_job
from monitor.learned.retrain import Outcome, retrain_brand
from monitor.learned.versions import list_versions
from tests.fakes.config import write_config
from tests.monitor.learned.labeled_posts import add_labels, jargon_rows
from tests.monitor.learned.lifecycle_settings import lifecycle_settings


def test_the_job_run_twice_makes_one_version(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    add_labels(factory, jargon_rows(60))
    config = str(write_config(lifecycle_settings(db_url, tmp_path), tmp_path / "mg.toml"))
    try:
        assert [o.status for o in retrain_job(config)] == ["kept"]
        assert [o.status for o in retrain_job(config)] == ["not_due"]
    finally:
        forget_contexts()
    with factory() as session:
        assert [(v.version, v.status) for v in list_versions(session)] == [(1, "active")]


def test_two_workers_firing_together_make_one_version(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    add_labels(factory, jargon_rows(60))
    settings = lifecycle_settings(db_url, tmp_path)
    outcomes: list[Outcome] = []
    start = threading.Barrier(2)

    def worker(owner: str) -> None:
        start.wait()
        outcomes.append(retrain_brand(settings, factory, settings.brands[0], owner))

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The other one found the lease held, or (if it came later) nothing new to learn.
    assert sorted(o.status for o in outcomes) in (["busy", "kept"], ["kept", "not_due"])
    with factory() as session:
        assert len(list_versions(session)) == 1
