"""Does makegood's VADER give exactly vaderSentiment's scores? Every text, every field.

  .venv/bin/python bench/vader_equivalence.py [--data ../shared/data] [--rows 100000]

Compares `monitor.scoring.sentiment._polarity` (the fast evaluation) with
`SentimentIntensityAnalyzer().polarity_scores` (vaderSentiment itself, the reference) on
every text of VADER's own rated sets (tweets, Amazon, movie and NYT snippets), the complaints,
Sanders and customer-support sets in ../shared/data, and the texts `bench/score_speed.py`
generates. pos, neu, neg and compound must be equal as floats, not merely close. It also
checks `sentiment.compound` (what scoring uses) for every post short enough to be scored whole
(longer ones are scored in pieces on purpose). Prints counts per set and a JSON line; exits 1
when any text differs. tests/monitor/scoring/test_scoring_sentiment.py runs the same check on
the shared sets in the suite.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def shared_sets(data: Path) -> Iterator[tuple[str, list[str]]]:
    """(set name, texts) for every text set found under `data`."""
    for path in sorted((data / "vader_groundtruth").glob("*_GroundTruth.txt")):
        with path.open(encoding="utf-8", errors="replace") as fh:
            rows = (line.rstrip("\n").split("\t") for line in fh)
            yield path.stem, [r[2] for r in rows if len(r) > 2]
    complaints = data / "complaints" / "complaints-data.csv"
    if complaints.is_file():
        with complaints.open(encoding="utf-8", newline="") as fh:
            yield "complaints", [row[1] for row in csv.reader(fh) if len(row) > 1]
    sanders = data / "sanders_twitter" / "full-corpus.csv"
    if sanders.is_file():
        with sanders.open(encoding="utf-8", errors="replace", newline="") as fh:
            yield "sanders", [row.get("TweetText") or "" for row in csv.DictReader(fh)]
    support = data / "twcs_sample" / "sample.csv"
    if support.is_file():
        with support.open(encoding="utf-8", newline="") as fh:
            yield "twcs_sample", [row.get("text") or "" for row in csv.DictReader(fh)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / ".." / "shared" / "data")
    parser.add_argument("--rows", type=int, default=100_000, help="generated bench texts")
    args = parser.parse_args()
    from score_speed import make_texts
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from monitor.scoring import sentiment

    reference = SentimentIntensityAnalyzer().polarity_scores
    sets = list(shared_sets(args.data))
    if not sets:
        print(f"no shared data under {args.data}", file=sys.stderr)
    sets.append(("score_speed generator", make_texts(args.rows)))
    started = time.perf_counter()
    summary: dict[str, dict[str, int]] = {}
    examples: list[str] = []
    for name, texts in sets:
        differ = whole = compound_differ = 0
        for text in texts:
            expected = reference(text)
            if sentiment._polarity(text) != expected:
                differ += 1
                examples.append(text)
            if len(text.split()) <= sentiment.CHUNK_WORDS:
                whole += 1
                compound_differ += sentiment.compound(text) != expected["compound"]
        summary[name] = {
            "texts": len(texts),
            "polarity_differ": differ,
            "compound_checked": whole,
            "compound_differ": compound_differ,
        }
        print(
            f"{name:28s} {len(texts):>7,} texts: polarity_scores differ on {differ}; "
            f"compound of {whole:,} whole-scored posts differs on {compound_differ}"
        )
    total = sum(s["texts"] for s in summary.values())
    bad = sum(s["polarity_differ"] + s["compound_differ"] for s in summary.values())
    print(f"{total:,} texts in {time.perf_counter() - started:.1f} s: {bad} differences")
    for text in examples[:5]:
        print(f"  differs: {text[:120]!r}")
    print(json.dumps({"texts": total, "differences": bad, "sets": summary}))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
