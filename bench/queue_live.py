"""The live queue's reads against the queue's first page, with 100,000 cases (ratios, one run).

    .venv/bin/python bench/queue_live.py [--cases 100000] [--rounds 30] [--db URL]

Seeds the cases as bench/web_latency.py does (bench/web_seed.py: half of them active), gives
them languages (1% de, 9% es, the rest en, on the mention and the case alike), then times, in
one process against the same database: the queue's first page (the reference), the poll an open
page sends every 5 s (`count_new` over the last few ids plus `row_states` of the 50 shown), the
watermark a page is drawn with, the first page and the capped count under a rare language
(`lang=de`), and a text search that matches nothing (the worst case of `q`: every active
case's posts are read). Prints each as milliseconds and as a ratio to the reference, then a
JSON line. Default database: a temporary SQLite file; --db takes an empty PostgreSQL one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import text  # noqa: E402
from web_seed import seed  # noqa: E402

from monitor.storage.engine import open_database  # noqa: E402
from responders.cases import queue_live  # noqa: E402
from responders.cases import review_queue as q  # noqa: E402

LANGS = "CASE WHEN id % 100 = 0 THEN 'de' WHEN id % 10 = 0 THEN 'es' ELSE 'en' END"


def timed(fn: Callable[[], object], rounds: int) -> float:
    """Median milliseconds of `fn` over `rounds` calls, after one untimed call."""
    fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def main() -> None:
    """Seed, time each read, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.db"
        seed(url, args.cases)
        engine, factory = open_database(url)
        with engine.begin() as conn:
            conn.execute(text(f"UPDATE mentions SET lang = {LANGS}"))
            conn.execute(text(f"UPDATE recovery_cases SET lang = {LANGS}"))  # ids line up
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
        with factory() as session:
            mark = queue_live.watermark(session)
            shown = [r.case.id for r in q.queue_page(session, q.QueueFilter()).rows]
            rare = q.QueueFilter(lang="de")
            runs: dict[str, Callable[[], object]] = {
                "first page (reference)": lambda: q.queue_page(session, q.QueueFilter()),
                "poll: new + rows": lambda: (
                    queue_live.count_new(session, q.QueueFilter(), mark - 5),
                    queue_live.row_states(session, shown),
                ),
                "watermark": lambda: queue_live.watermark(session),
                "page lang=de": lambda: q.queue_page(session, rare),
                "count lang=de": lambda: q.count_cases(session, rare),
                "page q=<no match>": lambda: q.queue_page(session, q.QueueFilter(search="zqx")),
            }
            figures = {
                name: timed(fn, 3 if "q=" in name else args.rounds) for name, fn in runs.items()
            }
        engine.dispose()
    reference = figures["first page (reference)"]
    for name, ms in figures.items():
        print(f"{name:26} {ms:9.2f} ms   x{ms / reference:7.2f}")
    print(json.dumps({"cases": args.cases, "ms": figures}))


if __name__ == "__main__":
    main()
