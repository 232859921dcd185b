"""The language of a post: an ISO 639-1 code from py3langid, or "und" when too short or unsure.

Pure and fast (it runs on every mention): URLs, @handles and #hashtags are cut first because
they are names, not language; kana and hangul settle Japanese and Korean without the model;
a text with too few letters, or a guess below `MIN_CONFIDENCE`, falls back to the platform's
own tag when it gave one, else "und".
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

UNDETERMINED = "und"
MIN_LETTERS = 10  # fewer letters than this (after cutting names) is too short to tell
MAX_CHARS = 600  # the model reads at most this much: enough to tell, and its time grows fast
MIN_CONFIDENCE = 0.50  # the model's normalised probability a guess must reach
# The languages the model may answer with: widely posted ones. Its full set of 97 includes
# close neighbours (Galician, Aragonese, Nigerian Pidgin...) that split the probability of a
# short Spanish or English post below any useful threshold, and each costs time.
LANGUAGES = [
    "en",
    "es",
    "pt",
    "fr",
    "de",
    "it",
    "nl",
    "ja",
    "ko",
    "zh",
    "ru",
    "uk",
    "pl",
    "tr",
    "ar",
    "he",
    "hi",
    "id",
    "ms",
    "vi",
    "th",
    "sv",
    "da",
    "no",
    "fi",
    "cs",
    "sk",
    "hu",
    "ro",
    "el",
    "bg",
    "hr",
    "ca",
    "tl",
    "fa",
    "bn",
    "ur",
    "sw",
]
# Words of English that are not words of the other Latin-script languages above: two of
# them in a plain-ASCII text settle it as English without the model (most posts, and the
# model is the slow part).
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "my",
        "you",
        "your",
        "this",
        "that",
        "with",
        "have",
        "what",
        "why",
        "how",
        "not",
        "but",
        "from",
        "they",
        "are",
        "been",
        "got",
        "would",
        "after",
        "never",
        "again",
        "please",
        "thanks",
        "thank",
        "ordered",
        "i'm",
        "don't",
        "can't",
        "it's",
        "didn't",
        "won't",
        "doesn't",
        "isn't",
        "haven't",
        "hasn't",
        "when",
        "where",
        "who",
        "which",
        "their",
        "there",
        "our",
        "it",
        "for",
        "just",
        "waiting",
        "refund",
        "arrived",
        "should",
        "could",
        "because",
        "about",
        "since",
        "will",
        "today",
        "yesterday",
        "week",
        "hours",
        "days",
        "anyone",
        "else",
        "ever",
        "worst",
        "tried",
        "getting",
        "guess",
        "thinking",
        "honestly",
        "response",
        "emails",
        "know",
        "still",  # German "still" is rare in posts; one word alone never settles it
        "broken",
        "can",
    ]
)

_NAMES = re.compile(r"https?://\S+|www\.\S+|(?<!\w)[@#][\w.\-]+")
_LETTER = re.compile(r"[^\W\d_]")
_ASCII_WORD = re.compile(r"[a-z']+")
_NON_ASCII_LETTER = re.compile(r"(?![\x00-\x7f])[^\W\d_]")  # a letter outside ASCII
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Platform tags that say "no language" (X's und, qme for media, zxx for no text...).
_NO_LANGUAGE = frozenset({"", "und", "qme", "qht", "qam", "qct", "qst", "zxx", "mul", "art"})


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's model, loaded once per process on first use."""
    import numpy
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([code for code in LANGUAGES if code in identifier.labels])
    # The subset is a strided view of the full table; a contiguous copy halves the product.
    identifier.nb_ptc = numpy.ascontiguousarray(identifier.nb_ptc)
    return identifier


def plainly_english(body: str) -> bool:
    """True for text whose letters are all ASCII with two distinct English-only words (see
    ENGLISH_WORDS); emoji, curly quotes and other non-letters do not count against it."""
    if not body.isascii() and _NON_ASCII_LETTER.search(body):
        return False
    words = set(_ASCII_WORD.findall(body.lower().replace("\u2019", "'")))
    return len(words & ENGLISH_WORDS) >= 2


def declared(tag: Any) -> str:
    """A platform's language tag as a bare lower-case code ("pt-BR" -> "pt"); "" if none."""
    if not isinstance(tag, str):
        return ""
    code = tag.strip().replace("_", "-").split("-")[0].lower()
    if code in _NO_LANGUAGE or not code.isalpha() or not 2 <= len(code) <= 3:
        return ""
    return code


def strip_names(text: str) -> str:
    """The text without URLs, @handles and #hashtags."""
    return _NAMES.sub(" ", text)


def detect(text: str, hint: Any = "") -> str:
    """The language of `text` as an ISO 639-1 code, or "und" (see the module docstring).

    `hint` is the platform's own tag, used only when the text cannot decide.
    """
    fallback = declared(hint) or UNDETERMINED
    body = strip_names(text[: 4 * MAX_CHARS])
    if _KANA.search(body):
        return "ja"
    if _HANGUL.search(body):
        return "ko"
    if plainly_english(body):
        return "en"
    letters = len(_LETTER.findall(body))
    if letters < MIN_LETTERS:
        return fallback
    code, confidence = _identifier().classify(body[:MAX_CHARS])
    if confidence < MIN_CONFIDENCE:
        return fallback
    return str(code)
