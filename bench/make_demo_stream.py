"""Write the bundled demo stream, `monitor/demo/stream.jsonl`, for the fictional brand Kettlebird.

Kettlebird makes electric kettles and sells a coffee-bean subscription (handles @kettlebird and
@kettlebirdhelp, hashtag #kettlebird). An unrelated "Kettlebird pub" shares the name. Every post
text was written by hand for this demo; the generator only combines the fragments with names,
order numbers, days and emoji. Output is deterministic: re-running gives identical bytes.

    .venv/bin/python bench/make_demo_stream.py            # writes the file and prints the mix
    .venv/bin/python bench/make_demo_stream.py --check    # also re-reads and validates the file

`build()` returns the rows together with the kind each was written as (praise, question, mild,
severe, sarcasm, spam, foreign, pub, noise, burst, winback), for benchmarks that need labels;
the stream itself carries no labels. The texts, the generator and the assembly are in
`bench/demo_stream/` (plan, posts, posts_extra, details, generator, build); this script writes
and checks the file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the demo_stream package beside this

from demo_stream.build import build
from demo_stream.generator import HANDLE_RE
from demo_stream.plan import END, SEED, START

OUT = Path(__file__).resolve().parent.parent / "monitor" / "demo" / "stream.jsonl"


def write(path: Path = OUT, seed: int = SEED) -> list[tuple[str, dict[str, Any]]]:
    """Build the stream and write it as JSONL; returns the rows."""
    rows = build(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for _, row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    return rows


def check(path: Path, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Re-read the file and check it parses, ids are unique per platform and times are in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    loaded = [json.loads(line) for line in lines]
    assert loaded == [row for _, row in rows], "file does not match build()"
    keys = [(r["platform"], r["id"]) for r in loaded]
    assert len(keys) == len(set(keys)), "duplicate ids"
    times = [r["created_at"] for r in loaded]
    assert times == sorted(times), "not chronological"
    assert all(START <= datetime.fromisoformat(t.replace("Z", "+00:00")) <= END for t in times)
    for r in loaded:
        if r["platform"] == "x":
            assert r["reply_allowed"] == bool(HANDLE_RE.search(r["text"]))
        assert ".example" in r["url"], r["url"]
    print(f"check ok: {len(loaded)} lines, {path.stat().st_size} bytes")


def main() -> None:
    """Write (or with --check, validate) the bundled demo stream."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="re-read and validate the file")
    args = parser.parse_args()
    rows = write(args.out)
    kinds = Counter(kind for kind, _ in rows)
    platforms = Counter(row["platform"] for _, row in rows)
    print(f"wrote {len(rows)} mentions to {args.out}")
    print("kinds:", dict(sorted(kinds.items(), key=lambda kv: -kv[1])))
    print("platforms:", dict(sorted(platforms.items(), key=lambda kv: -kv[1])))
    if args.check:
        check(args.out, rows)


if __name__ == "__main__":
    main()
