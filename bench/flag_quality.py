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
- Held-out sets in bench/data (self-written, see its README): sarcastic English complaints and
  complaints in seven other languages, rules and rules + default model; and the share of the
  customers' posts in twcs_sample that are flagged (that sample has no labels: a rate, not a
  score).

`--rules-only` prints the rules' figures alone (no model trained or loaded): a quick read.

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

HELD_OUT = ROOT / "bench" / "data"
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


def jsonl(path: Path) -> tuple[list[str], list[int], list[str]]:
    """A held-out set: texts, labels (1 = flag) and languages ("" when not given)."""
    texts, labels, langs = [], [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                texts.append(row["text"])
                labels.append(int(row["label"]))
                langs.append(row.get("lang", ""))
    return texts, labels, langs


def inbound(path: Path) -> list[str]:
    """The customers' posts (inbound) of the customer-support sample."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [row["text"] for row in csv.DictReader(fh) if row["inbound"] == "True"]


def _line(way: str, f: dict[str, float]) -> None:
    print(
        f"  {way:<22} P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}"
        f"  macro F1 {f['macro_f1']:.3f}"
    )


def rules_figures(name: str, texts: list[str], labels: list[int]) -> dict:
    """The rules' figures on one set, printed."""
    f = figures([score_text(t).flagged for t in texts], labels)
    print(f"{name} (n={len(texts)}, positives={sum(labels)}):")
    _line("rules", f)
    return {"rules": f}


def held_out(name: str, path: Path, default) -> dict:
    """Rules (and rules + the default model) on a self-written held-out set, per language too."""
    texts, labels, langs = jsonl(path)
    result = rules_figures(name, texts, labels)
    if default is not None:
        result["rules+default"] = figures(flags(default, texts), labels)
        _line("rules+default", result["rules+default"])
    if any(langs):
        by_lang = {}
        for lang in sorted(set(langs)):
            idx = [i for i, x in enumerate(langs) if x == lang]
            f = figures([score_text(texts[i]).flagged for i in idx], [labels[i] for i in idx])
            by_lang[lang] = f
            print(f"    {lang}: rules P {f['precision']:.2f} R {f['recall']:.2f} (n={f['n']})")
        result["rules_by_lang"] = by_lang
    return result


def flag_rate(texts: list[str]) -> dict:
    """The share of posts the rules flag (for a sample without labels)."""
    flagged = sum(score_text(t).flagged for t in texts)
    share = round(flagged / len(texts), 3) if texts else 0.0
    print(f"twcs_sample customers' posts (n={len(texts)}, no labels): rules flag {share:.3f}")
    return {"n": len(texts), "flagged_share": share}


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
    parser.add_argument("--held-out", type=Path, default=HELD_OUT, help="the self-written sets")
    parser.add_argument("--rules-only", action="store_true", help="the rules' figures alone")
    args = parser.parse_args()
    c_texts, c_labels = complaints(args.data / "complaints" / "complaints-data.csv")
    s_texts, s_labels = sanders(args.data / "sanders_twitter" / "full-corpus.csv")
    support = args.data / "twcs_sample" / "sample.csv"
    if args.rules_only:
        summary = {
            "complaints": rules_figures("complaints", c_texts, c_labels),
            "sanders": rules_figures("sanders negative vs rest", s_texts, s_labels),
            "sarcasm": held_out(
                "sarcasm (self-written)", args.held_out / "sarcasm_eval.jsonl", None
            ),
            "non_english": held_out(
                "non-English (self-written)", args.held_out / "non_english_eval.jsonl", None
            ),
            "support_sample": flag_rate(inbound(support)) if support.is_file() else None,
        }
        print(json.dumps(summary))
        return
    default = default_model()
    summary = {
        "complaints": three_ways("complaints", c_texts, c_labels, args.folds, default),
        "sanders": three_ways("sanders negative vs rest", s_texts, s_labels, args.folds, default),
        "curve": curve(s_texts, s_labels, default),
        "speed": speed(c_texts + s_texts, default),
        "sarcasm": held_out(
            "sarcasm (self-written)", args.held_out / "sarcasm_eval.jsonl", default
        ),
        "non_english": held_out(
            "non-English (self-written)", args.held_out / "non_english_eval.jsonl", default
        ),
        "support_sample": flag_rate(inbound(support)) if support.is_file() else None,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
