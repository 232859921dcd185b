"""Two `makegood worker` processes on one PostgreSQL: no double work, a killed one is replaced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.storage import models as m
from responders.outbox.queue import enqueue
from tests.conftest import ROOT
from tests.fakes.config import write_config
from tests.fakes.smtp import smtp_server
from tests.responders.alerts.helpers import SEVERE
from tests.responders.worker.helpers import append, post_line, worker_settings

pytestmark = pytest.mark.postgres
RUNNER = Path(__file__).with_name("run_worker.py")


def start_worker(config: Path, reply_log: Path, out: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MAKEGOOD_TEST_REPLY_LOG": str(reply_log),
    }
    env.pop("MAKEGOOD_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, str(RUNNER), "worker", "-c", str(config)],
        cwd=ROOT,
        env=env,
        stdout=out.open("wb"),
        stderr=subprocess.STDOUT,
    )


def wait_until(check, timeout: float = 60.0, what: str = "", diagnose=None):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(
        f"not reached before the deadline: {what} {diagnose() if diagnose else ''}"
    )


def lines(start: int, count: int, severe_every: int) -> list[str]:
    now = utcnow()
    return [
        post_line(
            n,
            now,
            SEVERE.format(extra=f"order {n}")
            if n % severe_every == 0
            else f"kettlebird kettle number {n} arrived today",
        )
        for n in range(start, start + count)
    ]


def test_two_workers_share_the_work_and_survive_a_kill(
    db_url: str, db_backend: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    if db_backend != "postgres":
        pytest.skip(
            "several workers need PostgreSQL (on SQLite one worker runs); use --db postgres"
        )
    stream = tmp_path / "stream.jsonl"
    reply_log = tmp_path / "replies.log"
    append(stream, *lines(1, 60, severe_every=5))  # 12 severe complaints
    with factory() as session, session.begin():
        for n in range(30):
            enqueue(session, "reply", f"reply-{n}", {"n": n})
    with smtp_server() as server:
        settings = worker_settings(db_url, tmp_path, server, stream, lease_seconds=4)
        brand = settings.brands[0].model_dump()
        brand["channels"][0]["page_size"] = 5  # many small polls: both workers get turns
        settings = settings.model_copy(update={"brands": [type(settings.brands[0])(**brand)]})
        config = write_config(settings, tmp_path / "makegood.toml")
        workers = [start_worker(config, reply_log, tmp_path / f"worker{i}.log") for i in range(2)]
        try:

            def count(query):  # type: ignore[no-untyped-def]
                with factory() as session:
                    return session.scalar(query)

            wait_until(
                lambda: (
                    count(select(func.count()).select_from(m.Mention)) == 60
                    and len(server.mails()) >= 12
                ),
                what="first stream stored and alerted",
            )
            # Kill one worker in the middle of more work; the other must finish all of it.
            append(stream, *lines(61, 40, severe_every=4))  # 10 more severe complaints
            with factory() as session, session.begin():
                for n in range(30, 60):
                    enqueue(session, "reply", f"reply-{n}", {"n": n})
            wait_until(lambda: count(select(func.count()).select_from(m.Mention)) > 62)
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(timeout=10)
            wait_until(
                lambda: (
                    count(select(func.count()).select_from(m.Mention)) == 100
                    and count(select(func.count()).where(m.OutboxItem.state != "sent")) == 0
                    and len(server.mails()) >= 22
                ),
                what="the surviving worker finished everything",
                diagnose=lambda: (
                    count(select(func.count()).select_from(m.Mention)),
                    count(select(func.count()).where(m.OutboxItem.state != "sent")),
                    len(server.mails()),
                    (tmp_path / "worker1.log").read_text()[-4000:],
                ),
            )
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(timeout=30)
        mails = server.mails()
    assert workers[1].returncode == 0, (tmp_path / "worker1.log").read_text()[-3000:]
    with factory() as session:
        alerts = session.scalars(select(m.Alert)).all()
        mentions = session.scalar(select(func.count()).select_from(m.Mention))
    assert mentions == 100
    assert len(alerts) == 22 and {a.state for a in alerts} == {"queued"}
    message_ids = Counter(mail.message["Message-ID"] for mail in mails)
    assert len(message_ids) == 22
    # SMTP cannot be reconciled: only a mail the killed worker was handing over may come twice.
    assert len(mails) <= 23
    posted = Counter(line.split()[0] for line in reply_log.read_text().splitlines())
    assert len(posted) == 60 and set(posted.values()) == {1}
    # Both workers did part of the work before the kill.
    pids = {line.split()[1] for line in reply_log.read_text().splitlines()}
    assert len(pids) == 2
