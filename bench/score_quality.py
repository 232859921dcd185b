"""Complaint detection quality of `makegood score` on two labeled public sets.

  .venv/bin/python bench/score_quality.py [--data ../shared/data]

- complaints/complaints-data.csv (Preotiuc-Pietro et al., ACL 2019; no header: tweet_id, text,
  label, domain; label 1 = complaint): precision, recall and F1 of `flagged` for the complaint
  class, overall and per domain, next to plain VADER (compound <= -0.05 = flagged, `is_negative`).
- sanders_twitter/full-corpus.csv (header Topic, Sentiment, TweetId, TweetDate, TweetText):
  'negative' = should be flagged, 'positive' and 'neutral' = should not; 'irrelevant' rows
  (not about the topic, many not in English) are left out of the figures and reported apart
  (how many of them would be flagged).

The last line printed is a JSON summary for machines.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.scoring import score_text  # noqa: E402
from monitor.scoring.sentiment import analyzer  # noqa: E402
from monitor.scoring.thresholds import is_negative  # noqa: E402


class Counts:
    """Confusion counts of one classifier on one set."""

    __slots__ = ("fn", "fp", "tn", "tp")

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.tn = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    def figures(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        n = self.tp + self.fp + self.fn + self.tn
        acc = (self.tp + self.tn) / n if n else 0.0
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "accuracy": round(acc, 3),
            "n": n,
            "positives": self.tp + self.fn,
        }


def _line(name: str, c: Counts) -> str:
    f = c.figures()
    return (
        f"  {name:<22} P {f['precision']:.2f}  R {f['recall']:.2f}  F1 {f['f1']:.2f}"
        f"  (n={f['n']}, positives={f['positives']})"
    )


def complaints(path: Path) -> dict:
    """P/R/F1 of makegood and plain VADER on the complaints set, overall and per domain."""
    ours, vader = Counts(), Counts()
    per_domain: dict[str, Counts] = defaultdict(Counts)
    per_domain_vader: dict[str, Counts] = defaultdict(Counts)
    polarity = analyzer().polarity_scores
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 4:
                continue
            _id, text, label, domain = row[:4]
            actual = label.strip() == "1"
            mine = score_text(text).flagged
            plain = is_negative(polarity(text)["compound"])
            ours.add(mine, actual)
            vader.add(plain, actual)
            per_domain[domain].add(mine, actual)
            per_domain_vader[domain].add(plain, actual)
    print(f"complaints ({path}):")
    print(_line("makegood flagged", ours))
    print(_line("plain VADER <= -0.05", vader))
    print("  per domain (makegood | plain VADER):")
    for domain in sorted(per_domain):
        a, b = per_domain[domain].figures(), per_domain_vader[domain].figures()
        if a["positives"]:
            print(
                f"    {domain:<13} P {a['precision']:.2f} R {a['recall']:.2f} F1 {a['f1']:.2f}"
                f"  | P {b['precision']:.2f} R {b['recall']:.2f} F1 {b['f1']:.2f}"
                f"  (n={a['n']})"
            )
        else:  # no complaints at all in this domain: only false alarms can be counted
            rate = (per_domain[domain].fp / a["n"]) if a["n"] else 0.0
            rate_v = (per_domain_vader[domain].fp / b["n"]) if b["n"] else 0.0
            print(
                f"    {domain:<13} no complaints; flagged anyway {rate:.1%}"
                f"  | VADER {rate_v:.1%}  (n={a['n']})"
            )
    return {
        "makegood": ours.figures(),
        "vader": vader.figures(),
        "domains": {d: c.figures() for d, c in sorted(per_domain.items())},
    }


def sanders(path: Path) -> dict:
    """P/R/F1 on the Sanders set (negative = should flag), overall and per topic."""
    ours, vader = Counts(), Counts()
    per_topic: dict[str, Counts] = defaultdict(Counts)
    irrelevant = irrelevant_flagged = 0
    polarity = analyzer().polarity_scores
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.DictReader(fh):
            sentiment = (row.get("Sentiment") or "").strip().lower()
            text = row.get("TweetText") or ""
            mine = score_text(text).flagged
            if sentiment == "irrelevant":
                irrelevant += 1
                irrelevant_flagged += mine
                continue
            actual = sentiment == "negative"
            ours.add(mine, actual)
            vader.add(is_negative(polarity(text)["compound"]), actual)
            per_topic[(row.get("Topic") or "").strip()].add(mine, actual)
    print(f"sanders ({path}); negative = should flag; 'irrelevant' rows left out:")
    print(_line("makegood flagged", ours))
    print(_line("plain VADER <= -0.05", vader))
    for topic in sorted(per_topic):
        print(_line(f"  topic {topic}", per_topic[topic]))
    share = irrelevant_flagged / irrelevant if irrelevant else 0.0
    print(f"  irrelevant rows: {irrelevant}, flagged {irrelevant_flagged} ({share:.1%})")
    return {
        "makegood": ours.figures(),
        "vader": vader.figures(),
        "irrelevant": {"n": irrelevant, "flagged": irrelevant_flagged},
    }


def main(argv: list[str] | None = None) -> int:
    """Score both sets and print the figures and a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT / ".." / "shared" / "data",
        help="the shared data folder (default: ../shared/data from the project)",
    )
    args = parser.parse_args(argv)
    data = args.data.resolve()
    complaints_csv = data / "complaints" / "complaints-data.csv"
    sanders_csv = data / "sanders_twitter" / "full-corpus.csv"
    missing = [p for p in (complaints_csv, sanders_csv) if not p.is_file()]
    if missing:
        print(
            f"score_quality: data not found: {', '.join(map(str, missing))}"
            " (give the shared data folder with --data)",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    summary = {"complaints": complaints(complaints_csv), "sanders": sanders(sanders_csv)}
    summary["seconds"] = round(time.perf_counter() - started, 2)
    f1 = summary["complaints"]["makegood"]["f1"]
    summary["goal_complaint_f1_0.70_met"] = f1 >= 0.70
    summary["margin_complaint_f1_0.71_met"] = f1 >= 0.71
    print(f"complaint F1 {f1:.3f} (goal >= 0.70, with a margin >= 0.71)")
    print(json.dumps(summary, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
