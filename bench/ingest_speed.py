"""Ingest vs score on the same file in the same run: rows/s of each and their ratio.

  .venv/bin/python bench/ingest_speed.py [--rows 20000] [--page-size 1000] [--db sqlite|postgres]
  .venv/bin/python bench/ingest_speed.py --profile       # cProfile of the ingest, top functions

Generates short mentions (the generator of bench/score_speed.py, seed 42; 5,000 authors, so
many posts attach to an author's open case) as one JSONL file, then times:
1. `makegood score --workers 1`'s own function (`score_file`: read, score, write JSON lines);
2. the whole ingest pipeline on the same file: a replay channel polled page by page
   (`Pipeline.poll_channel`: read -> normalize -> match -> dedupe -> score -> store mentions,
   authors, cases, events, alerts -> move the cursor), into a fresh database (SQLite in a temp
   folder, or a new PostgreSQL database on 127.0.0.1:5432 dropped at the end);
3. `makegood import`'s loop on the same file into another fresh database (`import_file`).
Score runs go before, between and after the two ingests; each ingest's ratio is taken against the
mean of the score runs on either side of it.
The brand listens to everything, so every row is stored. Wall and CPU time are both taken; the
ratio is ingest rows/s over score rows/s, by wall time (what a backfill waits for). The load
average is printed first and last (the machine may be shared). The last line is JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.score_speed import jsonl_lines, make_texts, write_jsonl  # noqa: E402
from monitor.ingest.pipeline import Pipeline  # noqa: E402
from monitor.settings import Settings, parse_settings  # noqa: E402
from monitor.sources.replay import ReplaySource  # noqa: E402
from monitor.storage.engine import make_engine, make_sessionmaker, upgrade  # noqa: E402

PG_ADMIN = os.environ.get("MAKEGOOD_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
CHANNEL = "Acme:replay:bench"


def settings_for(db_url: str, path: Path, page_size: int) -> Settings:
    """One brand matching every post (a query nothing contains, negated), one replay channel."""
    channel = {
        "type": "replay",
        "name": "bench",
        "options": {"path": str(path), "page_size": page_size},
    }
    brand = {
        "name": "Acme",
        "queries": ["NOT zzqqmakegoodnever"],
        "handles": ["@acme"],
        "channels": [channel],
    }
    return parse_settings({"storage": {"url": db_url}, "brands": [brand]}, "bench settings")


@contextmanager
def fresh_database(kind: str, folder: Path, name: str) -> Iterator[str]:
    """The URL of a new migrated database, removed afterwards (PostgreSQL: dropped)."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / name}.db"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    admin = make_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    db = f"makegood_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{db}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{db}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        admin.dispose()


def timed(fn: Callable[[], int]) -> dict[str, float]:
    """Run `fn` (which returns the rows it handled): rows, wall and CPU seconds, rows/s."""
    wall, cpu = time.perf_counter(), time.process_time()
    rows = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "rows": rows,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "rows_per_s": round(rows / wall, 1),
        "cpu_rows_per_s": round(rows / cpu, 1),
    }


def run_score(src: Path, dst: Path) -> int:
    """`makegood score --workers 1`'s function over the file."""
    from responders.cli.score_cmd import score_file

    with dst.open("w", encoding="utf-8", newline="\n") as out:
        stats = score_file(src, out, brand_handles=("@acme",), workers=1)
    return stats.scored


def run_pipeline(db_url: str, src: Path, page_size: int) -> int:
    """Poll the replay channel until the file is read; the number of new mentions stored."""
    settings = settings_for(db_url, src, page_size)
    engine = make_engine(db_url)
    pipeline = Pipeline(settings, make_sessionmaker(engine))
    brand = settings.brands[0]
    channel = brand.channels[0]
    source = ReplaySource(CHANNEL, src, page_size)
    new = 0
    while True:
        report = pipeline.poll_channel(brand, channel, source, force=True)
        assert not report.error, report.error
        new += report.new
        if report.exhausted:
            break
    engine.dispose()
    return new


def run_import(db_url: str, src: Path, page_size: int) -> int:
    """`makegood import`'s loop over the file; the number of new mentions stored."""
    from monitor.ingest.backfill import import_file

    settings = settings_for(db_url, src, page_size)
    engine = make_engine(db_url)
    totals = import_file(
        settings, make_sessionmaker(engine), settings.brands[0], src, page_size=page_size
    )
    engine.dispose()
    return totals.new


def counts(db_url: str) -> dict[str, int]:
    """How many mentions, cases, case events and alerts the database holds."""
    engine = make_engine(db_url)
    with engine.connect() as conn:
        out = {
            t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()
            for t in ("mentions", "recovery_cases", "case_events", "alerts")
        }
    engine.dispose()
    return out


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as text."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def profile_ingest(
    db_url: str, src: Path, page_size: int, top: int, sort: str = "cumulative"
) -> str:
    """cProfile of the pipeline over the file: the `top` functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    run_pipeline(db_url, src, page_size)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Generate the file, time score and ingest on it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--page-size", type=int, default=1000, help="rows per page (replay)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the ingest")
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    args = parser.parse_args(argv)
    print(
        f"load average {load_average()}; {args.rows:,} rows, pages of {args.page_size},"
        f" database {args.db}"
    )
    summary: dict[str, Any] = {"rows": args.rows, "page_size": args.page_size, "db": args.db}
    with tempfile.TemporaryDirectory(prefix="makegood-ingest-bench-") as tmp:
        folder = Path(tmp)
        src, dst = folder / "in.jsonl", folder / "out.jsonl"
        write_jsonl(src, jsonl_lines(make_texts(args.rows)))
        run_score(src, dst)  # warm up: imports, regexes, the lexicon
        if args.profile:
            with fresh_database(args.db, folder, "profile") as url:
                print(profile_ingest(url, src, args.page_size, args.top))
            return 0
        # Score runs before, between and after the two ingests: each ingest is compared with
        # the mean of the score runs on either side of it, so a change of load in the middle
        # of the run hits both sides of a ratio alike.
        scores = [timed(lambda: run_score(src, dst))]
        with fresh_database(args.db, folder, "poll") as url:
            ingest = timed(lambda: run_pipeline(url, src, args.page_size))
            summary["stored"] = counts(url)
        scores.append(timed(lambda: run_score(src, dst)))
        with fresh_database(args.db, folder, "import") as url:
            backfill = timed(lambda: run_import(url, src, args.page_size))
            summary["imported"] = counts(url)
        scores.append(timed(lambda: run_score(src, dst)))
    summary |= {"score": scores, "ingest": ingest, "import": backfill}
    for name, figures in [*((f"score --workers 1 ({i + 1})", f) for i, f in enumerate(scores)),
                          ("ingest (replay poll)", ingest), ("import", backfill)]:  # fmt: skip
        print(
            f"{name:22} {figures['rows']:>8,} rows in {figures['wall_s']:6.2f} s wall"
            f" ({figures['cpu_s']:6.2f} s CPU): {figures['rows_per_s']:>9,.0f} rows/s"
            f" ({figures['cpu_rows_per_s']:>7,.0f} per CPU second)"
        )
    for name, figures, around in (("ingest", ingest, scores[:2]), ("import", backfill, scores[1:])):
        ratio = figures["rows_per_s"] / statistics.mean(f["rows_per_s"] for f in around)
        cpu = figures["cpu_rows_per_s"] / statistics.mean(f["cpu_rows_per_s"] for f in around)
        summary[f"{name}_ratio"] = round(ratio, 3)
        summary[f"{name}_cpu_ratio"] = round(cpu, 3)
        print(f"{name} / score rows/s: wall {ratio:.3f} (goal >= 0.5), CPU {cpu:.3f}")
    print(f"stored: {summary['stored']}; imported: {summary['imported']}")
    print(f"load average at the end {load_average()}")
    print(json.dumps(summary, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
