"""Soak: `makegood worker` runs for 10 minutes over a replayed stream; is its memory flat?

  .venv/bin/python bench/worker_soak.py [--minutes 10] [--rate 5] [--history 6000]
                                        [--db sqlite|postgres]

The real worker command runs in its own process (APScheduler with every job: polling, alerts,
outbox, spike watch, engagement refresh, follow-ups, digest) against a temp SQLite database (or
a throwaway PostgreSQL database) and a real aiosmtpd server. A feeder appends `--rate` posts a
second to the replay file for the whole run: the bundled demo stream's texts (praise, questions,
mild and severe complaints, spam, other languages) under fresh ids, authors and timestamps, so
cases open, mentions attach, alerts are mailed and spikes are watched all the time.

A worker in production starts on a database with history, so before the clock starts the file
holds `--history` posts spread over the previous 24 hours: the worker ingests them first, which
fills its caches (SQLite's page cache per pooled connection, SQLAlchemy's statement cache) to
their working size and gives the spike watch its baseline. Then one more minute of warm-up.

The worker's resident memory (VmRSS from /proc, split into anonymous and file-backed) is sampled
every 10 s. "Start" is the first sample of the measured run, "end" the last. Goal: growth from
start to end under 10%. Prints the samples, the mentions stored, the mails received, and a JSON
line last.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.alert_latency import database  # noqa: E402
from monitor.storage import models as m  # noqa: E402
from monitor.storage.engine import make_engine  # noqa: E402
from tests.fakes.config import write_config  # noqa: E402
from tests.fakes.smtp import smtp_server  # noqa: E402
from tests.responders.worker.helpers import worker_settings  # noqa: E402

DEMO_STREAM = ROOT / "monitor" / "demo" / "stream.jsonl"
SAMPLE_EVERY = 10.0
WARM_UP = 60.0
GOAL_GROWTH = 0.10
MAIN = "import sys; from responders.cli import main; sys.argv[0] = 'makegood'; main()"


def memory_mib(pid: int) -> dict[str, float]:
    """VmRSS, RssAnon and RssFile of one process in MiB (zeros when it is gone)."""
    found = {"VmRSS": 0.0, "RssAnon": 0.0, "RssFile": 0.0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":", 1)[0]
            if key in found:
                found[key] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return found


def rss_mib(pid: int) -> float:
    """Resident memory of one process in MiB (VmRSS), 0 when it is gone."""
    return memory_mib(pid)["VmRSS"]


def demo_posts() -> list[dict[str, object]]:
    """The bundled demo stream's posts, the material every generated post is made from."""
    return [json.loads(line) for line in DEMO_STREAM.read_text(encoding="utf-8").splitlines()]


def fresh_post(templates: list[dict[str, object]], n: int, at: datetime) -> str:
    """Post `n`: a demo post under a new id and author, written at `at`, as a JSONL line."""
    post = dict(templates[n % len(templates)])
    round_ = n // len(templates)
    post["id"] = f"soak-{n}"
    post["author"] = f"{post['author']}-{round_}"
    post["author_id"] = f"{post.get('author_id', 'a')}-{round_}"
    post["created_at"] = at.isoformat()
    return json.dumps(post, ensure_ascii=False)


def write_history(stream: Path, count: int) -> None:
    """`count` posts spread evenly over the 24 hours before now."""
    templates, now = demo_posts(), datetime.now(UTC)
    with stream.open("w", encoding="utf-8") as out:
        for n in range(count):
            at = now - timedelta(days=1) * (1 - n / max(count, 1))
            out.write(fresh_post(templates, n, at) + "\n")


def feed(stream: Path, first: int, rate: float, stop: threading.Event) -> None:
    """Append new posts (numbered from `first`) at `rate` a second until stopped."""
    templates = demo_posts()
    started, sent = time.monotonic(), 0
    with stream.open("a", encoding="utf-8") as out:
        while not stop.is_set():
            out.write(fresh_post(templates, first + sent, datetime.now(UTC)) + "\n")
            out.flush()
            sent += 1
            stop.wait(max(0.0, started + sent / rate - time.monotonic()))


def lines_read(url: str) -> int:
    """How many lines of the replay file the worker has ingested (its channel cursor)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            cursors = conn.scalars(select(m.Channel.cursor)).all()
    except Exception:  # the worker may not have created the tables yet
        return 0
    finally:
        engine.dispose()
    return sum(int((c or {}).get("line", 0)) for c in cursors)


def stored_mentions(url: str) -> int:
    """Mentions in the database right now."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(m.Mention)) or 0)
    finally:
        engine.dispose()


def check_alive(worker: subprocess.Popen[bytes], folder: Path) -> None:
    """Stop the bench with the worker's log when the worker has exited."""
    if worker.poll() is not None:
        raise SystemExit(
            f"the worker exited ({worker.returncode}):\n"
            + (folder / "worker.log").read_text(errors="replace")[-3000:]
        )


def describe(memory: dict[str, float]) -> str:
    """One sample as a line: total, anonymous and file-backed resident memory."""
    return (
        f"RSS {memory['VmRSS']:7.1f} MiB (anon {memory['RssAnon']:6.1f}, "
        f"file {memory['RssFile']:5.1f})"
    )


def main() -> None:
    """Run the soak and print the memory samples and a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=5.0, help="posts appended per second")
    parser.add_argument("--interval", type=int, default=5, help="poll interval in seconds")
    parser.add_argument("--history", type=int, default=6000, help="posts of the previous day")
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgres"))
    args = parser.parse_args()
    duration = args.minutes * 60
    samples: list[tuple[float, dict[str, float]]] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        smtp_server() as server,
        database(args.db, tmp) as url,
    ):
        folder = Path(tmp)
        stream = folder / "stream.jsonl"
        write_history(stream, args.history)
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
        feeder = threading.Thread(
            target=feed, args=(stream, args.history, args.rate, stop), daemon=True
        )
        launched = time.monotonic()
        launch_rss = 0.0
        try:
            while lines_read(url) < args.history:
                check_alive(worker, folder)
                launch_rss = launch_rss or rss_mib(worker.pid)
                time.sleep(1)
            print(
                f"history of {args.history} posts ingested in {time.monotonic() - launched:.0f} s; "
                f"worker RSS {rss_mib(worker.pid):.1f} MiB; warming up {WARM_UP:.0f} s",
                flush=True,
            )
            feeder.start()
            time.sleep(WARM_UP)
            started = time.monotonic()
            while (elapsed := time.monotonic() - started) < duration:
                check_alive(worker, folder)
                samples.append((elapsed, memory_mib(worker.pid)))
                print(f"{elapsed:6.0f} s  worker " + describe(samples[-1][1]), flush=True)
                time.sleep(min(SAMPLE_EVERY, max(0.0, duration - elapsed)))
            samples.append((time.monotonic() - started, memory_mib(worker.pid)))
        finally:
            stop.set()
            if feeder.is_alive():
                feeder.join()
            worker.terminate()
            code = worker.wait(timeout=120)
            log.close()
        mentions = stored_mentions(url)
        mails = len(server.mails())
        tail = (folder / "worker.log").read_text(errors="replace")
    first, last = samples[0][1], samples[-1][1]
    start, end = first["VmRSS"], last["VmRSS"]
    growth = (end - start) / start if start else 0.0
    half = samples[len(samples) // 2][1]["VmRSS"]
    print(
        f"worker RSS: {start:.1f} MiB at the start, {half:.1f} MiB half way, {end:.1f} MiB at "
        f"the end ({growth:+.1%}; goal under +{GOAL_GROWTH:.0%}); peak "
        f"{max(s['VmRSS'] for _, s in samples):.1f} MiB; anonymous {first['RssAnon']:.1f} -> "
        f"{last['RssAnon']:.1f} MiB, file-backed {first['RssFile']:.1f} -> "
        f"{last['RssFile']:.1f} MiB"
    )
    print(f"stored {mentions} mentions, {mails} alert mails; worker exit code {code}")
    if "Traceback" in tail:
        print("the worker logged a traceback:\n" + tail[-3000:])
    summary = {
        "db": args.db,
        "minutes": args.minutes,
        "rate_per_s": args.rate,
        "history": args.history,
        "rss_mib_launch": round(launch_rss, 1),
        "rss_mib_start": round(start, 1),
        "rss_mib_half": round(half, 1),
        "rss_mib_end": round(end, 1),
        "growth_first_half": round((half - start) / start, 4) if start else 0.0,
        "growth_second_half": round((end - half) / half, 4) if half else 0.0,
        "growth": round(growth, 4),
        "goal_met": growth < GOAL_GROWTH,
        "mentions": mentions,
        "mails": mails,
        "exit_code": code,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
