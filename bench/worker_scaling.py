"""Workers 1 vs 2 on PostgreSQL: do two `makegood worker` processes ingest twice what one does?

  .venv/bin/python bench/worker_scaling.py [--channels 8] [--posts 2500] [--page-size 200]
                                           [--workers 1,2]

For each worker count, a fresh PostgreSQL database (migrated once by `makegood migrate`, as the
deployment's one-shot unit does) and the same backlog: `--channels` replay channels of one brand,
each a file of `--posts` posts made from the bundled demo stream's texts under fresh ids and
authors (praise, questions, complaints, spam, other languages: cases open and mentions attach).
Then N real worker processes (APScheduler, every job, leases) start together on that one config
and drain the backlog. Timed from the first stored post to the last line read (the cursors), so
process start-up is not counted. Each worker logs a line per poll run that read posts; the bench
sums them per worker: how the pages split, and the duplicates (a page read twice would show as
duplicates, since the rows are already stored). Prints rows/s per worker count, the ratio, the
split and a JSON line last.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from bench.alert_latency import database  # noqa: E402
from bench.worker_soak import (  # noqa: E402
    MAIN,
    demo_posts,
    fresh_post,
    lines_read,
    stored_mentions,
)
from tests.fakes.config import write_config  # noqa: E402
from tests.fakes.smtp import smtp_server  # noqa: E402
from tests.responders.worker.helpers import worker_settings  # noqa: E402

POLLED = re.compile(
    r"polled (?P<key>\S+): (?P<pages>\d+) pages, (?P<fetched>\d+) fetched, (?P<new>\d+) new, "
    r"(?P<dups>\d+) duplicates"
)
TIMEOUT = 900.0


def write_channels(folder: Path, channels: int, posts: int) -> list[Path]:
    """One replay file per channel, `posts` distinct posts each, spread over the previous day."""
    templates, now, paths = demo_posts(), datetime.now(UTC), []
    for c in range(channels):
        path = folder / f"channel{c}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for n in range(posts):
                at = now - timedelta(days=1) * (1 - n / posts)
                out.write(fresh_post(templates, c * posts + n, at) + "\n")
        paths.append(path)
    return paths


def run(count: int, args: argparse.Namespace) -> dict[str, object]:
    """Drain the backlog with `count` workers; their rows/s, page split and duplicates."""
    total = args.channels * args.posts
    with (
        tempfile.TemporaryDirectory() as tmp,
        smtp_server() as server,
        database("postgres", tmp) as url,
    ):
        folder = Path(tmp)
        paths = write_channels(folder, args.channels, args.posts)
        settings = worker_settings(
            url,
            folder,
            server,
            paths[0],
            channels=[
                {
                    "type": "replay",
                    "name": f"ch{c}",
                    "path": str(path),
                    "interval_seconds": 1,
                    "page_size": args.page_size,
                }
                for c, path in enumerate(paths)
            ],
            max_pages_per_run=args.pages_per_run,
            lease_seconds=60,
            spike_interval_seconds=600,
        )
        config = write_config(settings, folder / "makegood.toml")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("MAKEGOOD_DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "-c", MAIN, "migrate", "-c", str(config)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        logs = [folder / f"worker{i}.log" for i in range(count)]
        handles = [log.open("wb") for log in logs]
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", MAIN, "worker", "-c", str(config)],
                cwd=ROOT,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
            for handle in handles
        ]
        started, first = time.monotonic(), 0.0
        try:
            while (done := lines_read(url)) < total:
                now = time.monotonic()
                first = first or (now if done else 0.0)
                if now - started > TIMEOUT or any(w.poll() is not None for w in workers):
                    tails = "\n".join(log.read_text(errors="replace")[-2000:] for log in logs)
                    raise SystemExit(f"the workers did not drain the backlog:\n{tails}")
                time.sleep(0.05)
            seconds = time.monotonic() - (first or started)
        finally:
            for w in workers:
                w.terminate()
            for w in workers:
                w.wait(timeout=120)
            for handle in handles:
                handle.close()
        mentions = stored_mentions(url)
        split = [_sum_log(log) for log in logs]
    return {
        "workers": count,
        "rows": total,
        "seconds": round(seconds, 2),
        "rows_per_s": round(total / seconds, 1),
        "mentions": mentions,
        "pages_per_worker": [s["pages"] for s in split],
        "fetched_per_worker": [s["fetched"] for s in split],
        "duplicates": sum(s["dups"] for s in split),
    }


def _sum_log(log: Path) -> dict[str, int]:
    """Pages, fetched posts and duplicates over one worker's "polled" lines."""
    sums = {"pages": 0, "fetched": 0, "dups": 0}
    for match in POLLED.finditer(log.read_text(errors="replace")):
        for name in sums:
            sums[name] += int(match[name])
    return sums


def main() -> None:
    """Run each worker count on its own fresh database and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--posts", type=int, default=2500, help="posts per channel")
    parser.add_argument("--page-size", type=int, default=200)
    parser.add_argument("--pages-per-run", type=int, default=5)
    parser.add_argument("--workers", default="1,2", help="worker counts to compare")
    args = parser.parse_args()
    print(f"usable CPUs {len(os.sched_getaffinity(0))}, load {os.getloadavg()[0]:.1f}", flush=True)
    results = []
    for count in (int(c) for c in args.workers.split(",")):
        result = run(count, args)
        results.append(result)
        print(
            f"{count} worker(s): {result['rows']} rows in {result['seconds']} s = "
            f"{result['rows_per_s']} rows/s; pages per worker {result['pages_per_worker']}, "
            f"duplicates {result['duplicates']}, mentions stored {result['mentions']}",
            flush=True,
        )
    base = float(results[0]["rows_per_s"])  # type: ignore[arg-type]
    for result in results[1:]:
        ratio = float(result["rows_per_s"]) / base  # type: ignore[arg-type]
        print(f"{result['workers']} workers vs {results[0]['workers']}: {ratio:.2f}x")
        result["ratio"] = round(ratio, 2)
    print(f"load at the end {os.getloadavg()[0]:.1f}")
    print(json.dumps({"runs": results}))


if __name__ == "__main__":
    main()
