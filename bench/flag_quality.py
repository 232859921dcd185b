"""Flag quality of the rules, the rules + the default learned model, and a model trained on the set.

  .venv/bin/python bench/flag_quality.py [--data ../shared/data] [--folds 5]

- complaints/complaints-data.csv (label 1 = complaint) and sanders_twitter/full-corpus.csv
  ('negative' = flag; 'positive'/'neutral' = not; 'irrelevant' left out): precision, recall,
  positive-class F1 and macro F1 (mean of both classes' F1) of three flags:
  rules alone; rules + the shipped default model (trained on VADER's sets, never on these);
  rules + a model trained on the set itself, predicted out of fold (stratified k-fold), so no
  post is judged by a model that saw it.
- A learning curve on Sanders in time order (TweetDate): a model trained on the first N posts
  (N = 0 means the default model) judged on every post after the 2,000th.
- Speed: rows/s of raw VADER polarity_scores, of the rules, and of rules + default model over the
  same texts, interleaved round by round in this one process.

The last line printed is a JSON summary for machines.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.learned import judge_with_model  # noqa: E402
from monitor.learned.default import default_model  # noqa: E402
from monitor.learned.train import fit, rule_matrix  # noqa: E402
from monitor.scoring import score_text  # noqa: E402
from monitor.scoring.sentiment import analyzer  # noqa: E402

CURVE = (0, 200, 500, 1_000, 2_000)
CURVE_TEST_FROM = 2_000  # the curve is judged on posts after this many (time order)


def figures(predicted: list[bool], actual: list[int]) -> dict[str, float]:
    """Precision, recall and F1 of the positive class, and macro F1 over both classes."""
    tp = sum(p and a for p, a in zip(predicted, actual, strict=True))
    fp = sum(p and not a for p, a in zip(predicted, actual, strict=True))
    fn = sum((not p) and a for p, a in zip(predicted, actual, strict=True))
    tn = len(actual) - tp - fp - fn

    def f1(tp: int, fp: int, fn: int) -> float:
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    pos, neg = f1(tp, fp, fn), f1(tn, fn, fp)
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(pos, 3),
        "macro_f1": round((pos + neg) / 2, 3),
        "n": len(actual),
    }


def complaints(path: Path) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) >= 4:
                texts.append(row[1])
                labels.append(int(row[2].strip() == "1"))
    return texts, labels


def sanders(path: Path) -> tuple[list[str], list[int]]:
    """Sanders' relevant tweets in time order, label 1 for 'negative'."""
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Sentiment"] == "irrelevant":
                continue
            when = datetime.strptime(row["TweetDate"], "%a %b %d %H:%M:%S %z %Y")
            rows.append(
                (when, row["TweetId"], row["TweetText"], int(row["Sentiment"] == "negative"))
            )
    rows.sort()
    return [r[2] for r in rows], [r[3] for r in rows]


def flags(model, texts: list[str]) -> list[bool]:
    """Rules + `model` on each text."""
    return [judge_with_model(model, t, score_text(t)).flagged for t in texts]


def out_of_fold(texts: list[str], labels: list[int], folds: int) -> list[bool]:
    """Rules + a model trained on the other folds, for every post (stratified, seeded)."""
    from sklearn.model_selection import StratifiedKFold

    rules = rule_matrix(texts)
    predicted = [False] * len(texts)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=42).split(texts, labels):
        model = fit(
            [texts[i] for i in train], [labels[i] for i in train], rules=[rules[i] for i in train]
        )
        for i in test:
            predicted[i] = judge_with_model(model, texts[i], score_text(texts[i])).flagged
    return predicted


def three_ways(name: str, texts: list[str], labels: list[int], folds: int, default) -> dict:
    result = {
        "rules": figures([score_text(t).flagged for t in texts], labels),
        "rules+default": figures(flags(default, texts), labels),
        f"rules+trained {folds}-fold": figures(out_of_fold(texts, labels, folds), labels),
    }
    print(f"{name} (n={len(texts)}, positives={sum(labels)}):")
    for way, f in result.items():
        print(
            f"  {way:<22} P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}"
            f"  macro F1 {f['macro_f1']:.3f}"
        )
    return result


def curve(texts: list[str], labels: list[int], default) -> dict:
    test_t, test_y = texts[CURVE_TEST_FROM:], labels[CURVE_TEST_FROM:]
    out = {
        "test_posts": len(test_t),
        "rules": figures([score_text(t).flagged for t in test_t], test_y),
    }
    print(f"learning curve, Sanders in time order, judged on the {len(test_t)} posts after #2,000:")
    print(
        f"  rules alone            F1 {out['rules']['f1']:.3f}"
        f"  macro F1 {out['rules']['macro_f1']:.3f}"
    )
    for n in CURVE:
        model = default if n == 0 else fit(texts[:n], labels[:n])
        f = figures(flags(model, test_t), test_y)
        out[str(n)] = f
        print(
            f"  after {n:>5} labels      F1 {f['f1']:.3f}  macro F1 {f['macro_f1']:.3f}"
            f"  (P {f['precision']:.3f} R {f['recall']:.3f})"
        )
    return out


def speed(texts: list[str], default, rounds: int = 5) -> dict:
    polarity = analyzer().polarity_scores
    ways = {
        "raw VADER": lambda t: polarity(t),
        "rules": lambda t: score_text(t),
        "rules+default": lambda t: judge_with_model(default, t, score_text(t)),
    }
    spent = dict.fromkeys(ways, 0.0)
    order = list(ways)
    for r in range(rounds):
        random.Random(r).shuffle(order)
        for name in order:
            fn = ways[name]
            start = time.process_time()
            for t in texts:
                fn(t)
            spent[name] += time.process_time() - start
    rate = {k: round(len(texts) * rounds / v) for k, v in spent.items()}
    ratio = round(rate["rules+default"] / rate["raw VADER"], 2)
    rules_ratio = round(rate["rules"] / rate["raw VADER"], 2)
    print(f"speed ({len(texts)} texts x {rounds} rounds, CPU time, one process):")
    for k, v in rate.items():
        print(f"  {k:<15} {v:>8,} rows/s")
    print(f"  rules / raw VADER = {rules_ratio}x")
    print(f"  rules+default / raw VADER = {ratio}x (goal >= 0.5x)")
    return {"rows_per_s": rate, "learned_vs_vader": ratio, "rules_vs_vader": rules_ratio}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    default = default_model()
    c_texts, c_labels = complaints(args.data / "complaints" / "complaints-data.csv")
    s_texts, s_labels = sanders(args.data / "sanders_twitter" / "full-corpus.csv")
    summary = {
        "complaints": three_ways("complaints", c_texts, c_labels, args.folds, default),
        "sanders": three_ways("sanders negative vs rest", s_texts, s_labels, args.folds, default),
        "curve": curve(s_texts, s_labels, default),
        "speed": speed(c_texts + s_texts, default),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
