"""VADER sentiment, with long posts scored in pieces so cost stays linear in length.

VADER's cost grows roughly with the square of the word count (1,000 words take ~53 ms), so a
post longer than `CHUNK_WORDS` words is split into sentence-sized chunks, each chunk is scored,
and the compound scores are averaged weighted by words. Posts beyond `MAX_WORDS` are cut.
"""

from __future__ import annotations

import re
import string

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
)
from vaderSentiment.vaderSentiment import normalize as _normalize

CHUNK_WORDS = 80  # a short post is scored whole, exactly as plain VADER would
MAX_WORDS = 3_000  # nothing past this changes how a person reads the post's tone

_ANALYZER = SentimentIntensityAnalyzer()
_EMOJIS: dict[str, str] = _ANALYZER.emojis
_EMOJI = frozenset(_EMOJIS)
# Every emoji is outside ASCII: only those characters are looked up (a class of all 1,212
# one-character emoji is far slower in `re` than this dictionary lookup).
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LEXICON: dict[str, float] = _ANALYZER.lexicon
_NEGATE = frozenset(NEGATE)
_PUNCT = string.punctuation
_but_check = _ANALYZER._but_check
_score_valence = _ANALYZER.score_valence
# Every word of a multi-word idiom or booster phrase: a window without one cannot match any.
_IDIOM_WORDS = frozenset(
    word for phrase in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in phrase for word in phrase.split()
)
_SO_THIS = ("so", "this")


def _demojize(text: str) -> str:
    """VADER's emoji step: each emoji spelled out as its description, a space before it
    unless it starts the text or follows a space (VADER's `prev_space`, which an emoji clears).
    """

    def spell(match: re.Match[str]) -> str:
        char = match[0]
        description = _EMOJIS.get(char)
        if description is None:
            return char
        start = match.start()
        return description if start == 0 or text[start - 1] == " " else " " + description

    return _NON_ASCII.sub(spell, text)


def _sentiments(text: str) -> tuple[list[float], str]:
    """(per-word valences, the text VADER scores punctuation on), exactly as polarity_scores."""
    if not text.isascii() and not _EMOJI.isdisjoint(text):
        text = _demojize(text)
    text = text.strip()
    words = [w if len(s := w.strip(_PUNCT)) <= 2 else s for w in text.split()]
    lower = [w.lower() for w in words]
    sentiments: list[float] = [0] * len(words)
    if not _LEXICON.keys().isdisjoint(lower):
        _valences(words, lower, sentiments)
        if "but" in lower:
            sentiments = _but_check(words, sentiments)
    return sentiments, text


def _compound(text: str) -> float:
    """polarity_scores(text)["compound"] without the pos/neu/neg parts nobody here reads."""
    sentiments, text = _sentiments(text)
    if not sentiments:
        return 0.0
    sum_s = float(sum(sentiments))
    if sum_s == 0:
        return 0.0
    ep = min(text.count("!"), 4) * 0.292
    qm = text.count("?")
    amplifier = ep + ((qm * 0.18 if qm <= 3 else 0.96) if qm > 1 else 0)
    sum_s = sum_s + amplifier if sum_s > 0 else sum_s - amplifier
    return round(_normalize(sum_s), 4)


def _polarity(text: str) -> dict[str, float]:
    """`SentimentIntensityAnalyzer.polarity_scores`: the same result, without the waste.

    vaderSentiment 3.3.2 lower-cases every word again for every rule, rebuilds the text one
    character at a time for emoji, and rebuilds the whole word list for each negation and
    idiom check. Here each word is split and lower-cased once and the rules look them up by
    index; the rules themselves (boosters, "kind of", "no", caps, negation, "never so", idioms,
    "least", "but", punctuation) are VADER's, in VADER's order. tests/monitor/scoring checks
    the two agree on VADER's own rated sets, the labeled sets and a table of tricky texts.
    """
    sentiments, text = _sentiments(text)
    return _score_valence(sentiments, text)


def _valences(words: list[str], lower: list[str], sentiments: list[float]) -> None:
    """Fill in the valence of each lexicon word, as SentimentIntensityAnalyzer.sentiment_valence."""
    lex = _LEXICON
    boosters = BOOSTER_DICT
    n = len(words)
    upper = sum(1 for w in words if w.isupper())
    cap_diff = 0 < n - upper < n
    for i, lw in enumerate(lower):
        if lw not in lex or lw in boosters:
            continue
        if lw == "kind" and i < n - 1 and lower[i + 1] == "of":
            continue
        valence = lex[lw]
        if lw == "no" and i != n - 1 and lower[i + 1] in lex:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
        ):
            valence = lex[lw] * N_SCALAR
        if cap_diff and words[i].isupper():
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        for start_i in (0, 1, 2):
            j = i - start_i - 1
            if j < 0 or lower[j] in lex:
                continue
            prev = lower[j]
            if prev in boosters:
                scalar = boosters[prev]
                if valence < 0:
                    scalar *= -1
                if cap_diff and words[j].isupper():
                    scalar = scalar + C_INCR if valence > 0 else scalar - C_INCR
                if start_i == 1 and scalar != 0:
                    scalar = scalar * 0.95
                elif start_i == 2 and scalar != 0:
                    scalar = scalar * 0.9
                valence = valence + scalar
            else:
                valence = valence + 0.0
            valence = _negation(valence, lower, start_i, i)
            if start_i == 2:
                valence = _idioms(valence, lower, i, n)
        if i > 1 and lower[i - 1] not in lex and lower[i - 1] == "least":
            if lower[i - 2] != "at" and lower[i - 2] != "very":
                valence = valence * N_SCALAR
        elif i > 0 and lower[i - 1] not in lex and lower[i - 1] == "least":
            valence = valence * N_SCALAR
        sentiments[i] = valence


def _negated(word: str) -> bool:
    return word in _NEGATE or "n't" in word


def _negation(valence: float, lower: list[str], start_i: int, i: int) -> float:
    """SentimentIntensityAnalyzer._negation_check on the lower-cased words."""
    if start_i == 0:
        if _negated(lower[i - 1]):
            valence = valence * N_SCALAR
    elif start_i == 1:
        if lower[i - 2] == "never" and lower[i - 1] in _SO_THIS:
            valence = valence * 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated(lower[i - 2]):
            valence = valence * N_SCALAR
    else:
        if (lower[i - 3] == "never" and lower[i - 2] in _SO_THIS) or lower[i - 1] in _SO_THIS:
            valence = valence * 1.25
        elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
            pass
        elif _negated(lower[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _idioms(valence: float, lower: list[str], i: int, n: int) -> float:
    """SentimentIntensityAnalyzer._special_idioms_check (only ever called with i >= 3)."""
    if _IDIOM_WORDS.isdisjoint(lower[i - 3 : i + 3]):
        return valence
    w3, w2, w1, w0 = lower[i - 3], lower[i - 2], lower[i - 1], lower[i]
    threetwoone, threetwo, twoone = f"{w3} {w2} {w1}", f"{w3} {w2}", f"{w2} {w1}"
    for seq in (f"{w1} {w0}", f"{w2} {w1} {w0}", twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if n - 1 > i:
        zeroone = f"{w0} {lower[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if n - 1 > i + 1:
        zeroonetwo = f"{w0} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+")


def analyzer() -> SentimentIntensityAnalyzer:
    """The one shared analyzer (loading its lexicon takes ~100 ms; never build another)."""
    return _ANALYZER


def compound(text: str) -> float:
    """The VADER compound score (-1 .. 1) of `text`, chunked when the text is long."""
    words = text.split()
    if len(words) <= CHUNK_WORDS:
        return _compound(text)
    return _chunked_compound(text, words)


def _chunked_compound(text: str, words: list[str]) -> float:
    if len(words) > MAX_WORDS:
        text = " ".join(words[:MAX_WORDS])
    total = 0.0
    weight = 0
    for chunk in _chunks(text):
        n = len(chunk.split())
        if n == 0:
            continue
        total += _compound(chunk) * n
        weight += n
    return round(total / weight, 4) if weight else 0.0


def _chunks(text: str) -> list[str]:
    """Sentences packed into chunks of at most CHUNK_WORDS words (long sentences are cut)."""
    chunks: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        words = sentence.split()
        while len(words) > CHUNK_WORDS:  # one run-on "sentence": cut it
            if current:
                chunks.append(" ".join(current))
                current = []
            chunks.append(" ".join(words[:CHUNK_WORDS]))
            words = words[CHUNK_WORDS:]
        if len(current) + len(words) > CHUNK_WORDS:
            chunks.append(" ".join(current))
            current = []
        current.extend(words)
    if current:
        chunks.append(" ".join(current))
    return chunks
