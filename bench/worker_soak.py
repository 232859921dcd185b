"""Soak: `makegood worker` runs for 10 minutes over a replayed stream; is its memory flat?

  .venv/bin/python bench/worker_soak.py [--minutes 10] [--rate 5] [--db sqlite|postgres]

The real worker command runs in its own process (APScheduler with every job: polling, alerts,
outbox, spike watch, engagement refresh, follow-ups, digest) against a temp SQLite database (or
a throwaway PostgreSQL database) and a real aiosmtpd server. A feeder appends `--rate` posts a
second to the replay file for the whole run: the bundled demo stream's texts (praise, questions,
mild and severe complaints, spam, other languages) under fresh ids, authors and timestamps, so
cases open, mentions attach, alerts are mailed and spikes are watched all the time.

The worker's resident memory (VmRSS from /proc) is sampled every 10 s. "Start" is the first
sample after one minute of warm-up (imports, caches and connection pools filled), "end" is the
last sample. Goal: growth from start to end under 10%. Prints the samples, the mentions stored,
the mails received, and a JSON line last.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.alert_latency import database  # noqa: E402
from monitor.storage import models as m  # noqa: E402
from monitor.storage.engine import make_engine  # noqa: E402
from tests.fakes.smtp import smtp_server  # noqa: E402
from tests.responders.worker.helpers import worker_settings, write_config  # noqa: E402

DEMO_STREAM = ROOT / "monitor" / "demo" / "stream.jsonl"
SAMPLE_EVERY = 10.0
WARM_UP = 60.0
GOAL_GROWTH = 0.10
MAIN = "import sys; from responders.cli import main; sys.argv[0] = 'makegood'; main()"


def rss_mib(pid: int) -> float:
    """Resident memory of one process in MiB (VmRSS), 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def feed(stream: Path, rate: float, stop: threading.Event) -> None:
    """Append the demo posts round and round, `rate` a second, each under a new id and author."""
    templates = [json.loads(line) for line in DEMO_STREAM.read_text(encoding="utf-8").splitlines()]
    n = 0
    started = time.monotonic()
    with stream.open("a", encoding="utf-8") as out:
        while not stop.is_set():
            post = dict(templates[n % len(templates)])
            post["id"] = f"soak-{n}"
            post["author"] = f"{post['author']}-{n // len(templates)}"
            post["author_id"] = f"{post.get('author_id', 'a')}-{n // len(templates)}"
            post["created_at"] = datetime.now(UTC).isoformat()
            out.write(json.dumps(post, ensure_ascii=False) + "\n")
            out.flush()
            n += 1
            stop.wait(max(0.0, started + n / rate - time.monotonic()))


def stored_mentions(url: str) -> int:
    """Mentions in the database right now."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(m.Mention)) or 0)
    finally:
        engine.dispose()


def main() -> None:
    """Run the soak and print the memory samples and a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=5.0, help="posts appended per second")
    parser.add_argument("--interval", type=int, default=5, help="poll interval in seconds")
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgres"))
    args = parser.parse_args()
    duration = args.minutes * 60
    samples: list[tuple[float, float]] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        smtp_server() as server,
        database(args.db, tmp) as url,
    ):
        folder = Path(tmp)
        stream = folder / "stream.jsonl"
        stream.write_text("")
        settings = worker_settings(
            url,
            folder,
            server,
            stream,
            interval=args.interval,
            spike_interval_seconds=30,
            refresh_interval_seconds=60,
            follow_up_interval_seconds=60,
            digest_check_seconds=60,
        )
        config = write_config(settings, folder / "makegood.toml")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("MAKEGOOD_DATABASE_URL", None)
        log = (folder / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-c", MAIN, "worker", "-c", str(config)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stop = threading.Event()
        feeder = threading.Thread(target=feed, args=(stream, args.rate, stop), daemon=True)
        feeder.start()
        started = time.monotonic()
        try:
            while (elapsed := time.monotonic() - started) < duration:
                if worker.poll() is not None:
                    raise SystemExit(
                        f"the worker exited ({worker.returncode}):\n"
                        + (folder / "worker.log").read_text(errors="replace")[-3000:]
                    )
                samples.append((elapsed, rss_mib(worker.pid)))
                print(f"{elapsed:6.0f} s  worker RSS {samples[-1][1]:7.1f} MiB", flush=True)
                time.sleep(min(SAMPLE_EVERY, max(0.0, duration - elapsed)))
            samples.append((time.monotonic() - started, rss_mib(worker.pid)))
        finally:
            stop.set()
            feeder.join()
            worker.terminate()
            code = worker.wait(timeout=120)
            log.close()
        mentions = stored_mentions(url)
        mails = len(server.mails())
        tail = (folder / "worker.log").read_text(errors="replace")
    warm = [rss for t, rss in samples if t >= WARM_UP] or [samples[-1][1]]
    start, end = warm[0], samples[-1][1]
    growth = (end - start) / start if start else 0.0
    print(
        f"worker RSS: {samples[0][1]:.1f} MiB at launch, {start:.1f} MiB after warm-up, "
        f"{end:.1f} MiB at the end ({growth:+.1%}; goal under +{GOAL_GROWTH:.0%}); "
        f"peak {max(r for _, r in samples):.1f} MiB"
    )
    print(f"stored {mentions} mentions, {mails} alert mails; worker exit code {code}")
    if "Traceback" in tail:
        print("the worker logged a traceback:\n" + tail[-3000:])
    summary = {
        "db": args.db,
        "minutes": args.minutes,
        "rate_per_s": args.rate,
        "rss_mib_launch": round(samples[0][1], 1),
        "rss_mib_start": round(start, 1),
        "rss_mib_end": round(end, 1),
        "growth": round(growth, 4),
        "goal_met": growth < GOAL_GROWTH,
        "mentions": mentions,
        "mails": mails,
        "exit_code": code,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
