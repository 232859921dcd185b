"""Speed and memory of `makegood score` next to raw vaderSentiment, interleaved in one run.

  .venv/bin/python bench/score_speed.py [--rows 100000] [--rounds 10] [--no-e2e]

1. Generates (deterministically, seed 42) short mentions as JSONL in a temp folder, and the
   same rows cut into `--rounds` chunk files.
2. In-process, round by round: raw `SentimentIntensityAnalyzer().polarity_scores` over chunk k's
   texts (in memory), and the command's own function `responders.cli.score_cmd.score_file`
   over chunk k's file (read JSONL, score, write JSON lines to a temp file). The order of the
   two alternates between rounds, so a burst of load from other processes hits both alike.
   Wall time (perf_counter) and CPU time (process_time) are taken for each; the ratio of the
   summed times and the median of the per-round ratios are reported for both clocks.
3. End to end: the real program `makegood score big.jsonl -o out.jsonl` as a subprocess, next
   to a subprocess that reads the same file and runs raw `polarity_scores` on each text; both
   include interpreter start-up; alternated `--e2e-runs` times, medians reported (wall, and
   CPU of the child from RUSAGE_CHILDREN).
4. Peak RSS (ru_maxrss) of a fresh process scoring 10k rows and one scoring all rows: flat
   memory means the input is streamed.

Goal: makegood's rows/s >= 0.7 x raw VADER's texts/s, single process. The last line is a JSON
summary.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OPENERS = ["", "@acme ", "hey @acme ", "So ", "Honestly ", "Ugh, ", "Wow, ", "@acme_help "]
BODIES = [
    "my order {n} never arrived",
    "still waiting for my refund after {n} days",
    "the {thing} broke after {n} days",
    "love the new {thing}, thank you",
    "how do I change the address on order {n}?",
    "charged twice for the {thing}, not happy",
    "great service today, the {thing} was delivered early",
    "on hold for {n} minutes, this is ridiculous",
    "the app keeps crashing when I open my account",
    "just picked up a {thing} at the store",
    "can't log in since the update",
    "the {thing} is fine I guess",
    "worst customer service ever, {n} emails and no response",
    "anyone else tried the {thing}? thinking of getting one",
]
THINGS = ["kettle", "blender", "phone", "laptop", "jacket", "parcel", "printer", "headphones"]
TAILS = ["", "", " :(", " :)", " #fail", " 😡", " 😍", "!!", " again.", " thanks"]


def make_texts(count: int, seed: int = 42) -> list[str]:
    rng = random.Random(seed)
    return [
        rng.choice(OPENERS)
        + rng.choice(BODIES).format(n=rng.randint(2, 9999), thing=rng.choice(THINGS))
        + rng.choice(TAILS)
        for _ in range(count)
    ]


def jsonl_lines(texts: list[str]) -> list[str]:
    """One JSON line (with newline) per text, with author, date and random engagement."""
    rng = random.Random(7)
    lines = []
    for i, text in enumerate(texts):
        row = {
            "id": f"m{i}",
            "platform": "x",
            "text": text,
            "author": f"user{i % 5000}",
            "created_at": "2026-01-01T12:00:00Z",
            "author_followers": rng.randint(0, 60_000),
            "likes": rng.randint(0, 50),
            "replies": rng.randint(0, 5),
            "reposts": rng.randint(0, 5),
        }
        lines.append(json.dumps(row, ensure_ascii=False) + "\n")
    return lines


def write_jsonl(path: Path, lines: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(lines)


class Clock:
    """Wall and CPU seconds of one timed block."""

    __slots__ = ("_cpu", "_wall", "cpu", "wall")

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> Clock:
        gc.collect()  # garbage left by the other contender is not charged to this one
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def run_vader(texts: list[str]) -> None:
    from monitor.scoring.sentiment import analyzer

    polarity = analyzer().polarity_scores  # vaderSentiment's own, unchanged
    for text in texts:
        polarity(text)


def run_score_file(src: Path, dst: Path) -> None:
    from responders.cli.score_cmd import score_file

    with dst.open("w", encoding="utf-8", newline="\n") as out:
        stats = score_file(src, out, brand_handles=("@acme",))
    assert stats.scored == stats.rows, stats


def interleaved(texts: list[str], lines: list[str], folder: Path, rounds: int) -> dict[str, object]:
    """Raw VADER and score_file on the same chunks, alternating; summed and per-round ratios."""
    size = -(-len(texts) // rounds)
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    files = []
    for k in range(len(chunks)):
        path = folder / f"chunk{k}.jsonl"
        write_jsonl(path, lines[k * size : (k + 1) * size])
        files.append(path)
    dst = folder / "chunk-out.jsonl"
    run_vader(chunks[0][:2000])  # warm up: imports, regex compilation, the lexicon
    run_score_file(files[0], dst)
    vader = [Clock() for _ in chunks]
    ours = [Clock() for _ in chunks]
    for k, chunk in enumerate(chunks):
        order = [0, 1] if k % 2 == 0 else [1, 0]
        for who in order:
            if who == 0:
                with vader[k]:
                    run_vader(chunk)
            else:
                with ours[k]:
                    run_score_file(files[k], dst)
    out: dict[str, object] = {"rounds": len(chunks), "rows_per_round": size}
    for clock in ("cpu", "wall"):
        v = [getattr(c, clock) for c in vader]
        o = [getattr(c, clock) for c in ours]
        per_round = [a / b for a, b in zip(v, o, strict=True)]
        out[clock] = {
            "vader_us_per_text": round(sum(v) / len(texts) * 1e6, 1),
            "makegood_us_per_row": round(sum(o) / len(texts) * 1e6, 1),
            "ratio_of_sums": round(sum(v) / sum(o), 3),
            "median_round_ratio": round(statistics.median(per_round), 3),
            "min_round_ratio": round(min(per_round), 3),
            "max_round_ratio": round(max(per_round), 3),
        }
    return out


VADER_PROGRAM = """
import json, sys
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
polarity = SentimentIntensityAnalyzer().polarity_scores
with open(sys.argv[1], "rb") as fh:
    for line in fh:
        polarity(json.loads(line)["text"])
"""


def timed_child(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one child process run to completion."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def end_to_end(src: Path, dst: Path, rows: int, runs: int) -> dict[str, object]:
    """The real program against a raw-VADER program over the same file, alternated."""
    makegood = Path(sys.executable).with_name("makegood")
    ours_argv = (
        [str(makegood)]
        if makegood.exists()
        else [sys.executable, "-c", "from responders.cli import main; main()"]
    ) + ["score", str(src), "-o", str(dst)]
    vader_argv = [sys.executable, "-c", VADER_PROGRAM, str(src)]
    vader, ours = [], []
    for k in range(runs):
        pair = [(vader, vader_argv), (ours, ours_argv)]
        for bucket, argv in pair if k % 2 == 0 else pair[::-1]:
            bucket.append(timed_child(argv))
    out: dict[str, object] = {"runs": runs}
    for i, clock in enumerate(("wall", "cpu")):
        v = statistics.median(t[i] for t in vader)
        o = statistics.median(t[i] for t in ours)
        out[clock] = {
            "vader_program_s": round(v, 2),
            "makegood_score_s": round(o, 2),
            "ratio": round(v / o, 3),
        }
    return out


def child_rss(src: Path, dst: Path) -> int:
    """Score `src` in a fresh process; its peak RSS in KiB."""
    code = (
        "import resource, sys; sys.path.insert(0, sys.argv[3]);"
        "from pathlib import Path; from responders.cli.score_cmd import score_file;"
        "out = open(sys.argv[2], 'w', encoding='utf-8');"
        "score_file(Path(sys.argv[1]), out); out.close();"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(src), str(dst), str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(proc.stdout.strip().splitlines()[-1])


def _print_clock(name: str, figures: dict[str, float]) -> None:
    print(
        f"  {name}: raw VADER {figures['vader_us_per_text']:.1f} us/text,"
        f" makegood {figures['makegood_us_per_row']:.1f} us/row;"
        f" ratio of sums {figures['ratio_of_sums']:.2f},"
        f" median per round {figures['median_round_ratio']:.2f}"
        f" (rounds {figures['min_round_ratio']:.2f}-{figures['max_round_ratio']:.2f})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10, help="interleaved chunks (default 10)")
    parser.add_argument("--e2e-runs", type=int, default=3, help="subprocess runs of each")
    parser.add_argument("--no-e2e", action="store_true", help="skip the subprocess comparison")
    args = parser.parse_args(argv)
    texts = make_texts(args.rows)
    summary: dict[str, object] = {"rows": args.rows}
    with tempfile.TemporaryDirectory(prefix="makegood-bench-") as tmp:
        folder = Path(tmp)
        src, small, dst = folder / "in.jsonl", folder / "small.jsonl", folder / "out.jsonl"
        lines = jsonl_lines(texts)
        write_jsonl(src, lines)
        write_jsonl(small, lines[:10_000])
        inproc = interleaved(texts, lines, folder, args.rounds)
        summary["in_process"] = inproc
        print(
            f"in-process, {args.rows:,} rows in {inproc['rounds']} interleaved rounds"
            " (raw polarity_scores on texts in memory | score_file JSONL file -> JSONL file):"
        )
        _print_clock("CPU ", inproc["cpu"])  # type: ignore[arg-type]
        _print_clock("wall", inproc["wall"])  # type: ignore[arg-type]
        headline = inproc["cpu"]["ratio_of_sums"]  # type: ignore[index]
        print(
            f"speed ratio makegood / raw VADER (CPU, single process): {headline:.2f} (goal >= 0.70)"
        )
        summary["ratio"] = headline
        summary["goal_met"] = headline >= 0.7
        if not args.no_e2e:
            e2e = end_to_end(src, dst, args.rows, args.e2e_runs)
            summary["end_to_end"] = e2e
            for clock in ("wall", "cpu"):
                f = e2e[clock]  # type: ignore[index]
                print(
                    f"end to end ({clock}, median of {args.e2e_runs}, incl. start-up):"
                    f" `makegood score in.jsonl -o out.jsonl` {f['makegood_score_s']:.2f} s,"
                    f" raw-VADER program over the same file {f['vader_program_s']:.2f} s,"
                    f" ratio {f['ratio']:.2f}"
                )
        rss_small = child_rss(small, dst)
        rss_full = child_rss(src, dst)
        print(
            f"peak RSS scoring 10,000 rows: {rss_small / 1024:.1f} MiB;"
            f" {args.rows:,} rows: {rss_full / 1024:.1f} MiB"
            f" (input {src.stat().st_size / 1e6:.1f} MB)"
        )
        summary.update(
            rss_mib_10k=round(rss_small / 1024, 1), rss_mib_full=round(rss_full / 1024, 1)
        )
    print(json.dumps(summary, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
