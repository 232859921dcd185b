"""Time from a severe post appearing to its alert e-mail arriving, through the real worker.

  .venv/bin/python bench/alert_latency.py [--interval 2] [--posts 8] [--db sqlite|postgres]

A temp SQLite database (or a throwaway database created on the PostgreSQL at 127.0.0.1:5432
and dropped afterwards; MAKEGOOD_TEST_PG_URL overrides the admin URL), a real aiosmtpd server
on 127.0.0.1, and the real worker (APScheduler, SQLAlchemyJobStore) polling a replay file every
`--interval`
seconds. Each round appends one critical complaint at a random moment of the poll cycle and
waits for its mail. Goal: every latency under the poll interval + 2 s. Last line: JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.jobs.context import forget_contexts  # noqa: E402
from monitor.mention import utcnow  # noqa: E402
from monitor.settings import load_settings  # noqa: E402
from monitor.storage.engine import make_engine  # noqa: E402
from responders.worker.scheduler import Worker  # noqa: E402
from tests.fakes.config import write_config  # noqa: E402
from tests.fakes.smtp import smtp_server  # noqa: E402
from tests.responders.alerts.helpers import SEVERE  # noqa: E402
from tests.responders.worker.helpers import append, post_line, worker_settings  # noqa: E402


@contextmanager
def database(kind: str, folder: str) -> Iterator[str]:
    """A fresh database URL: a SQLite file, or a PostgreSQL database dropped at the end."""
    if kind == "sqlite":
        yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    admin_url = os.environ.get(
        "MAKEGOOD_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"makegood_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        forget_contexts()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    """Run the rounds and print each latency and a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=int, default=2, help="poll interval in seconds")
    parser.add_argument("--posts", type=int, default=8)
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgres"))
    args = parser.parse_args()
    rng = random.Random(42)
    latencies: list[float] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        smtp_server() as server,
        database(args.db, tmp) as url,
    ):
        folder = Path(tmp)
        stream = folder / "stream.jsonl"
        stream.write_text("")
        settings = worker_settings(url, folder, server, stream, interval=args.interval)
        config = write_config(settings, folder / "makegood.toml")
        worker = Worker(load_settings(config), str(config))
        worker.start()
        try:
            for n in range(1, args.posts + 1):
                time.sleep(rng.uniform(0, args.interval))  # land anywhere in the poll cycle
                started = time.monotonic()
                append(stream, post_line(n, utcnow(), SEVERE.format(extra=f"order {n}")))
                server.wait_for(n, timeout=args.interval + 30)
                latencies.append(time.monotonic() - started)
                print(f"post {n}: mail after {latencies[-1]:.2f} s")
        finally:
            worker.stop()
    goal = args.interval + 2
    summary = {
        "interval_s": args.interval,
        "posts": len(latencies),
        "median_s": round(statistics.median(latencies), 2),
        "max_s": round(max(latencies), 2),
        "goal_s": goal,
        "all_within_goal": max(latencies) < goal,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
