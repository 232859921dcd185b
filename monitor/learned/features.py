"""What the learned layer sees of a post: word and character n-grams plus the rules' own features.

Pure functions, no numpy: the same code builds the features for training (fed to
scikit-learn's TfidfVectorizer as its analyzer) and for scoring (looked up by hand in the
model's vocabularies), so a model scores exactly what it was trained on.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from monitor.scoring import CATEGORIES, Score, severity_rank
from monitor.scoring.cues import Cues, normalize

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_WORD = re.compile(r"(?u)\b\w\w+\b")
_SPACE = re.compile(r"\s\s+")
# Pictographs, dingbats and symbols: enough to count emoji without an emoji table.
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff]")

# The names of the dense rule features, in the order `rule_features` returns them.
CUE_FAMILIES = (
    "breach",
    "problem",
    "sarcasm",
    "negated",
    "praise",
    "waiting",
    "problem_question",
    "address",
    "issue",
)
RULE_FEATURES = (
    "vader_neg",
    "vader_neu",
    "vader_pos",
    "vader_compound",
    *(f"cues_{name}" for name in CUE_FAMILIES),
    "cue_question",
    "rules_complaint",
    "rules_flagged",
    "severity",
    *(f"category_{name}" for name in CATEGORIES),
    "emoji",
    "exclamations",
    "question_mark",
    "brand_handle",
)


def clean(text: str) -> str:
    """Lower-cased text with links and @handles made generic (a handle says who, not what)."""
    lower = normalize(text)
    lower = _URL.sub(" _url_ ", lower)
    lower = _HANDLE.sub(" @user ", lower)
    return lower


def words(cleaned: str) -> list[str]:
    """The word tokens of cleaned text (two or more word characters, as scikit-learn's)."""
    return _WORD.findall(cleaned)


def word_ngrams(text: str) -> list[str]:
    """Word 1- and 2-grams of `text` (raw text; cleaned here)."""
    tokens = words(clean(text))
    grams = list(tokens)
    grams.extend(f"{a} {b}" for a, b in itertools.pairwise(tokens))
    return grams


def char_words(text: str) -> list[str]:
    """The whitespace words of cleaned text, as the `char_wb` analyzer splits them."""
    return _SPACE.sub(" ", clean(text)).split()


def word_char_ngrams(word: str) -> list[str]:
    """The character 2..5-grams of one word padded with spaces (scikit-learn's `char_wb`)."""
    low, high = CHAR_NGRAMS
    padded = f" {word} "
    size = len(padded)
    grams: list[str] = []
    for n in range(low, high + 1):
        if size <= n:  # the word is no longer than n: longer grams would repeat it
            grams.append(padded)
            break
        grams.extend([padded[i : i + n] for i in range(size - n + 1)])
    return grams


def display_word(word: str) -> str:
    """A whitespace word without the punctuation around it, for an explanation."""
    return word.strip(".,!?;:\"'()[]")


def char_ngrams_by_word(text: str) -> Iterator[tuple[str, list[str]]]:
    """(word, its character n-grams) for each whitespace word of `text`.

    Keeping the word lets an explanation name the word a character pattern came from instead
    of a fragment like 'aitin'.
    """
    for word in char_words(text):
        yield display_word(word), word_char_ngrams(word)


def char_ngrams(text: str) -> list[str]:
    """All character n-grams of `text` (the training analyzer)."""
    return [g for word in char_words(text) for g in word_char_ngrams(word)]


def rule_features(
    text: str,
    polarity: dict[str, float],
    cues: Cues,
    score: Score,
    brand_handles: tuple[str, ...] = (),
) -> list[float]:
    """The dense features of one post, in RULE_FEATURES order, from what the rules found."""
    row = [
        polarity["neg"],
        polarity["neu"],
        polarity["pos"],
        polarity["compound"],
    ]
    row.extend(float(len(getattr(cues, name))) for name in CUE_FAMILIES)
    row.append(float(cues.question))
    row.append(float(score.complaint))
    row.append(float(score.flagged))
    row.append(float(severity_rank(score.severity)))
    row.extend(float(score.category == name) for name in CATEGORIES)
    row.append(float(len(_EMOJI.findall(text))))
    row.append(float("!!" in text))
    row.append(float("?" in text))
    row.append(float(_addresses(text, brand_handles)))
    return row


def _addresses(text: str, brand_handles: tuple[str, ...]) -> bool:
    if not brand_handles or "@" not in text:
        return False
    lower = text.lower()
    return any(f"@{h.strip().lstrip('@').lower()}" in lower for h in brand_handles if h.strip())


__all__ = [
    "CHAR_NGRAMS",
    "RULE_FEATURES",
    "WORD_NGRAMS",
    "char_ngrams",
    "char_ngrams_by_word",
    "char_words",
    "clean",
    "display_word",
    "rule_features",
    "word_char_ngrams",
    "word_ngrams",
]
