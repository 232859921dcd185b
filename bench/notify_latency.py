"""Time from a severe post appearing to its chat alert and its signed webhook arriving (issue 15).

  .venv/bin/python bench/notify_latency.py [--interval 2] [--posts 8] [--db sqlite|postgres]

The real worker (APScheduler) polls a replay file every `--interval` seconds; one chat route
(Apprise `json://`) and one webhook endpoint (`case.opened`) point at a local HTTP receiver.
Each round appends one critical complaint at a random moment of the poll cycle and waits for
both posts. Goal: every latency under the poll interval + 2 s. Last line: JSON summary.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.alert_latency import database  # noqa: E402
from monitor.mention import utcnow  # noqa: E402
from monitor.settings import AlertRouteSettings, load_settings  # noqa: E402
from monitor.storage.engine import open_database  # noqa: E402
from responders.outbox.endpoints import add_endpoint  # noqa: E402
from responders.worker.scheduler import Worker  # noqa: E402
from tests.fakes.config import write_config  # noqa: E402
from tests.fakes.http_server import FakeServer, json_reply, serving  # noqa: E402
from tests.fakes.seed import add_user  # noqa: E402
from tests.fakes.smtp import smtp_server  # noqa: E402
from tests.responders.alerts.helpers import SEVERE  # noqa: E402
from tests.responders.worker.helpers import append, post_line, worker_settings  # noqa: E402

URL_ENV = "MAKEGOOD_BENCH_CHAT_URL"


def wait_for(server: FakeServer, path: str, count: int, timeout: float) -> float:
    """Monotonic time at which `path` had received `count` requests."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(server.calls(path)) >= count:
            return time.monotonic()
        time.sleep(0.01)
    raise SystemExit(f"{path}: only {len(server.calls(path))} of {count} requests arrived")


def main() -> None:
    """Run the rounds and print each latency and a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=int, default=2, help="poll interval in seconds")
    parser.add_argument("--posts", type=int, default=8)
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgres"))
    args = parser.parse_args()
    rng = random.Random(42)
    chat: list[float] = []
    hook: list[float] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        smtp_server() as smtp,
        serving() as receiver,
        database(args.db, tmp) as url,
    ):
        receiver.add("POST", "/chat", json_reply({}))
        receiver.add("POST", "/events", json_reply({}))
        os.environ[URL_ENV] = f"json://127.0.0.1:{receiver.port}/chat"
        folder = Path(tmp)
        stream = folder / "stream.jsonl"
        stream.write_text("")
        base = worker_settings(url, folder, smtp, stream, interval=args.interval)
        alerts = base.alerts.model_copy(update={"routes": [AlertRouteSettings(url_env=URL_ENV)]})
        local = base.webhooks.model_copy(update={"allow_internal_addresses": True})
        settings = base.model_copy(update={"alerts": alerts, "webhooks": local})
        config = write_config(settings, folder / "mg.toml")
        engine, factory = open_database(url)
        with factory() as session, session.begin():
            admin = add_user(session, "bench-admin", "admin")
            hook_url = receiver.url + "/events"  # on 127.0.0.1: allowed for the bench
            add_endpoint(session, admin, hook_url, ["case.opened"], "x" * 32, allow_internal=True)
        engine.dispose()
        worker = Worker(load_settings(config), str(config))
        worker.start()
        try:
            for n in range(1, args.posts + 1):
                time.sleep(rng.uniform(0, args.interval))  # land anywhere in the poll cycle
                started = time.monotonic()
                append(stream, post_line(n, utcnow(), SEVERE.format(extra=f"order {n}")))
                chat.append(wait_for(receiver, "/chat", n, args.interval + 30) - started)
                hook.append(wait_for(receiver, "/events", n, args.interval + 30) - started)
                print(f"post {n}: chat after {chat[-1]:.2f} s, webhook after {hook[-1]:.2f} s")
        finally:
            worker.stop()
    goal = args.interval + 2
    summary = {
        "interval_s": args.interval,
        "db": args.db,
        "posts": len(chat),
        "chat_median_s": round(statistics.median(chat), 2),
        "chat_max_s": round(max(chat), 2),
        "webhook_median_s": round(statistics.median(hook), 2),
        "webhook_max_s": round(max(hook), 2),
        "goal_s": goal,
        "all_within_goal": max(chat + hook) < goal,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
