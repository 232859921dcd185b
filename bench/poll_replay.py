"""Poller efficiency and ingest throughput over the recorded Reddit comment stream.

  .venv/bin/python bench/poll_replay.py [--data ../shared/data] [--rounds 3]

Replays praw_cassettes/TestSubredditStreams.test_comments.json (21 polls of /r/all/comments
with before-cursors and empty pages) from a local HTTP server on 127.0.0.1 and measures:
- API calls spent per new mention, and pages fetched twice (goal: none);
- ingest throughput (mentions/s) of the real pipeline (praw -> RedditSource -> Pipeline ->
  SQLite), against two references in the same run: praw's own comment stream fetching the same
  recording (network + parsing only), and the pipeline fed the same mentions from memory
  (matching + scoring + storing only).
The last line printed is a JSON summary for machines.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.ingest.pipeline import Pipeline  # noqa: E402
from monitor.settings import parse_settings  # noqa: E402
from monitor.sources import build_source  # noqa: E402
from monitor.sources.base import PollResult  # noqa: E402
from monitor.storage.engine import make_engine, make_sessionmaker, upgrade  # noqa: E402
from tests.fakes.cassettes import load  # noqa: E402
from tests.fakes.clients import praw_reddit  # noqa: E402
from tests.fakes.http_server import serving  # noqa: E402

CASSETTE = "praw_cassettes/TestSubredditStreams.test_comments.json"
POLLS = 21


def settings_for(db_url: str, server_url: str) -> Any:
    """One brand listening to everything, one reddit channel on the local server."""
    channel = {"type": "reddit", "name": "bench", "search": False, "inbox": False,
               "oauth_url": server_url, "reddit_url": server_url}  # fmt: skip
    brand = {"name": "Bench", "queries": ["NOT zzqqmakegoodnever"], "channels": [channel]}
    return parse_settings({"storage": {"url": db_url}, "brands": [brand]}, "bench settings")


def fresh_db(folder: Path, name: str) -> Any:
    """A new migrated SQLite database in `folder`."""
    engine = make_engine(f"sqlite:///{folder / name}")
    upgrade(engine)
    return engine


def run_poller(data: Path, folder: Path, round_no: int) -> dict[str, Any]:
    """The real path: local server -> praw -> RedditSource -> Pipeline -> SQLite."""
    engine = fresh_db(folder, f"poll{round_no}.db")
    with serving() as server:
        server.add_entries(load(data / CASSETTE))
        settings = settings_for(str(engine.url), server.url)
        brand = settings.brands[0]
        channel = brand.channels[0]
        source = build_source(brand, channel)
        pipeline = Pipeline(settings, make_sessionmaker(engine))
        pages: list[PollResult] = []
        poll = source.poll

        def keep(cursor: dict[str, Any]) -> PollResult:
            result = poll(cursor)
            pages.append(result)
            return result

        source.poll = keep  # type: ignore[method-assign]
        start = time.perf_counter()
        new = sum(
            pipeline.poll_channel(brand, channel, source, force=True).new for _ in range(POLLS)
        )
        seconds = time.perf_counter() - start
        requests = [(r.method, r.path, tuple(sorted(r.query.items()))) for r in server.requests]
    engine.dispose()
    twice = sum(n - 1 for n in Counter(requests).values() if n > 1)
    return {"new": new, "calls": len(requests), "pages_fetched_twice": twice, "seconds": seconds,
            "pages": pages}  # fmt: skip


def run_praw_reference(data: Path) -> dict[str, Any]:
    """praw's own stream over the same recording: fetch and parse only, nothing stored."""
    with serving() as server:
        server.add_entries(load(data / CASSETTE))
        reddit = praw_reddit(server)
        got = 0
        start = time.perf_counter()
        for item in reddit.subreddit("all").stream.comments(pause_after=0):
            if len(server.calls("/r/all/comments")) > POLLS:
                break
            got += item is not None
        seconds = time.perf_counter() - start
        calls = len(server.requests) - 1  # the request past the recording is not counted
    return {"items": got, "calls": calls, "seconds": seconds}


def run_pipeline_reference(pages: list[PollResult], folder: Path, round_no: int) -> dict[str, Any]:
    """The same pages fed to the pipeline from memory: matching, scoring and storing only."""
    engine = fresh_db(folder, f"mem{round_no}.db")
    settings = settings_for(str(engine.url), "http://127.0.0.1:9")
    pipeline = Pipeline(settings, make_sessionmaker(engine))
    brand = settings.brands[0]
    start = time.perf_counter()
    new = sum(pipeline.store_page(brand, "Bench:memory", page).new for page in pages)
    seconds = time.perf_counter() - start
    engine.dispose()
    return {"new": new, "seconds": seconds}


def main() -> int:
    """Replay the recorded stream through each path and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not (args.data / CASSETTE).is_file():
        print(f"recorded stream not found: {args.data / CASSETTE}", file=sys.stderr)
        return 2
    os.environ.setdefault("MAKEGOOD_REDDIT_CLIENT_ID", "bench-id")
    os.environ.setdefault("MAKEGOOD_REDDIT_CLIENT_SECRET", "bench-secret")
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for round_no in range(args.rounds):
            poller = run_poller(args.data, folder, round_no)
            praw_ref = run_praw_reference(args.data)
            memory = run_pipeline_reference(poller["pages"], folder, round_no)
            for name, seconds in (("poller", poller["seconds"]), ("praw", praw_ref["seconds"]),
                                  ("memory", memory["seconds"])):  # fmt: skip
                best[name] = min(best.get(name, float("inf")), seconds)
    new = poller["new"]
    summary = {
        "bench": "poll_replay",
        "polls": POLLS,
        "new_mentions": new,
        "api_calls": poller["calls"],
        "calls_per_new_mention": round(poller["calls"] / max(new, 1), 4),
        "pages_fetched_twice": poller["pages_fetched_twice"],
        "praw_stream_items": praw_ref["items"],
        "praw_stream_calls": praw_ref["calls"],
        "poller_mentions_per_s": round(new / best["poller"], 1),
        "praw_fetch_only_items_per_s": round(praw_ref["items"] / best["praw"], 1),
        "pipeline_from_memory_mentions_per_s": round(memory["new"] / best["memory"], 1),
        "poller_vs_memory_ratio": round(best["memory"] / best["poller"], 3),
        "rounds": args.rounds,
    }
    print(f"recorded stream: {POLLS} polls, {new} new mentions, {poller['calls']} API calls "
          f"({summary['calls_per_new_mention']} per new mention), "
          f"{poller['pages_fetched_twice']} pages fetched twice")  # fmt: skip
    print(f"praw's own stream over the same recording: {praw_ref['items']} items, "
          f"{praw_ref['calls']} calls")  # fmt: skip
    print(f"throughput (best of {args.rounds}): "
          f"poller+pipeline {summary['poller_mentions_per_s']}/s;"
          f" praw fetch only {summary['praw_fetch_only_items_per_s']}/s;"
          f" pipeline from memory {summary['pipeline_from_memory_mentions_per_s']}/s"
          f" (poller/memory ratio {summary['poller_vs_memory_ratio']})")  # fmt: skip
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
