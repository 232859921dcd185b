"""Sentiment: exactly VADER on short posts, bounded cost on long ones."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from monitor.scoring import sentiment

PLAIN = SentimentIntensityAnalyzer()

TEXTS = [
    "My order never arrived and nobody answers. Worst service ever!",
    "Love my new blender, thank you so much :)",
    "It's not bad at all, kind of great actually",
    "The app is okay but the updates are TERRIBLY slow!!!",
    "  padded with spaces   ",
    "",
    "😍 love it",
    "this is 💩 and I'm 😡",
    "素晴らしい製品です but the box was damaged",
    "Привет, the delivery was late again :(",
    "no emoji but café and naïve words",
    # VADER's own rules, each one exercised: negation, "but", caps, "!!!", "??", emoji,
    # idioms, "kind of", "least", "no", "never so", "without doubt", boosters in caps.
    "The food is not good, and NOT cheap either!!!",
    "It was great but the delivery was TERRIBLE???",
    "but but but it works, but it is slow",
    "VERY GOOD service and a very good price",
    "the shit, the bomb, a bad ass kettle, yeah right, cut the mustard",
    "It's kind of nice, sort of okay, kinda meh",
    "At least it isn't a horrible kettle. It's the least helpful support ever.",
    "very least awful, at least good",
    "no good, no bad, no, nor happy, no or love",
    "never so happy, never this sad, without doubt the best, without a doubt awful",
    "I do not doubt it, it is not that bad, it's n't nice",
    "Make sure you :) or :D today! 💘 and 💋 and 😁",
    "ALL CAPS SHOUTING IS NOT EXTRA ANGRY",
    "💩💩💩",
    "?? !! ?!?!?!",
    "the bus stop was the best bus stop",
    "kind of",
    "no",
    # The emoji step: at the start, after a space, after another emoji, next to other
    # non-ASCII characters, and keys of several characters VADER never matches.
    "😡 at the start",
    "after a word😡😡😡 and café 😍x",
    "ñ😡é 👍🏽 ❤️ ☺ ✔",
]


@pytest.mark.parametrize("text", TEXTS)
def test_fast_path_gives_exactly_vaders_scores(text):
    assert sentiment._polarity(text) == PLAIN.polarity_scores(text)


@pytest.mark.parametrize("text", TEXTS)
def test_compound_of_a_short_post_is_vaders_compound(text):
    assert sentiment.compound(text) == PLAIN.polarity_scores(text)["compound"]


def test_a_long_post_is_scored_in_chunks_and_stays_negative():
    angry = "My parcel never arrived and support was rude and useless. " * 40
    assert sentiment.compound(angry) < -0.5


def test_a_one_megabyte_post_is_scored_quickly():
    text = ("The service was awful and I want a refund now. " * 22_000)[:1_000_000]
    started = time.perf_counter()
    value = sentiment.compound(text)
    assert time.perf_counter() - started < 2.0
    assert -1.0 <= value < 0


def test_one_run_on_sentence_without_punctuation_is_cut_into_chunks():
    chunks = sentiment._chunks("word " * 500)
    assert all(len(c.split()) <= sentiment.CHUNK_WORDS for c in chunks)
    assert sum(len(c.split()) for c in chunks) == 500


DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"


def _shared_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted((DATA / "vader_groundtruth").glob("*_GroundTruth.txt")):
        with path.open(encoding="utf-8", errors="replace") as fh:
            texts.extend(p[2] for p in (line.rstrip("\n").split("\t") for line in fh) if len(p) > 2)
    complaints = DATA / "complaints" / "complaints-data.csv"
    if complaints.is_file():
        with complaints.open(encoding="utf-8", newline="") as fh:
            texts.extend(row[1] for row in csv.reader(fh) if len(row) > 1)
    sanders = DATA / "sanders_twitter" / "full-corpus.csv"
    if sanders.is_file():
        with sanders.open(encoding="utf-8", errors="replace", newline="") as fh:
            texts.extend(row.get("TweetText") or "" for row in csv.DictReader(fh))
    support = DATA / "twcs_sample" / "sample.csv"
    if support.is_file():
        with support.open(encoding="utf-8", newline="") as fh:
            texts.extend(row.get("text") or "" for row in csv.DictReader(fh))
    return texts


@pytest.mark.shared_data
@pytest.mark.skipif(not (DATA / "vader_groundtruth").is_dir(), reason="shared data absent")
def test_the_fast_vader_agrees_with_vader_on_every_shared_text():
    texts = _shared_texts()
    assert len(texts) > 30_000
    differ = [t for t in texts if sentiment._polarity(t) != PLAIN.polarity_scores(t)]
    assert differ == []
    differ = [t for t in texts if sentiment.compound(t) != PLAIN.polarity_scores(t)["compound"]]
    assert differ == [] or all(len(t.split()) > sentiment.CHUNK_WORDS for t in differ)
