"""A learned flag model as plain data: vocabularies, idf, coefficients; saved and loaded as JSON.

No pickle anywhere: a model file is only numbers and strings, checked field by field on
load, so a file from an untrusted path can be wrong but never runs code. Scoring is done by
hand (dictionary look-ups), so it needs neither numpy nor scikit-learn at run time.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.learned.features import (
    RULE_FEATURES,
    char_words,
    display_word,
    word_char_ngrams,
    word_ngrams,
)

FORMAT = "makegood-learned-model"
FORMAT_VERSION = 1
CACHE_WORDS = 200_000  # words whose known character n-grams are remembered (a few tens of MB)


class ModelFileError(Exception):
    """A model file that cannot be used: missing, truncated, not a model, or inconsistent."""


@dataclass(frozen=True)
class TermTable:
    """One vocabulary: term -> (idf, coefficient) of a sublinear-tf, l2-normalised tf-idf."""

    weights: dict[str, tuple[float, float]]

    def logit(self, grams: list[str]) -> float:
        """This table's part of the logit for `grams` (all in the vocabulary)."""
        weights, log = self.weights, math.log
        squares = dot = 0.0
        for g, n in Counter(grams).items():
            idf, coef = weights[g]
            v = idf if n == 1 else (1.0 + log(n)) * idf
            squares += v * v
            dot += v * coef
        return dot / math.sqrt(squares) if squares else 0.0

    def contributions(self, grams: list[str]) -> dict[str, tuple[float, int]]:
        """Each known gram's share of the decision (tf-idf value x coefficient), and its count."""
        weights = self.weights
        counts = {g: n for g, n in Counter(grams).items() if g in weights}
        if not counts:
            return {}
        log = math.log
        values = {
            g: (weights[g], weights[g][0] if n == 1 else (1.0 + log(n)) * weights[g][0])
            for g, n in counts.items()
        }
        norm = math.sqrt(sum(v * v for _w, v in values.values()))
        return {g: (v / norm * w[1], counts[g]) for g, (w, v) in values.items()}


@dataclass(frozen=True)
class Verdict:
    """What the model thinks of one post: probability, its flag, and why."""

    probability: float
    flagged: bool
    # (learned term, by how much it pushed), strongest first toward the decision.
    terms: tuple[tuple[str, float], ...]
    # The rule feature that pushed most the same way, e.g. ("rule cues_breach", 1.9).
    rules: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class LearnedModel:
    """A logistic regression over word, character and rule features, as plain numbers."""

    words: TermTable
    chars: TermTable
    rule_mean: tuple[float, ...]
    rule_scale: tuple[float, ...]
    rule_coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    training: dict[str, Any] = field(default_factory=dict)
    # word -> its character n-grams that are in the vocabulary: words repeat from post to post,
    # and slicing and looking up ~20 grams a word is most of the cost of scoring.
    _known: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def verdict(
        self, text: str, rules: list[float], top: int = 3, explain: bool = False
    ) -> Verdict:
        """The probability that `text` is a post to flag, with the `top` terms behind it.

        The terms are worked out for a flag, or when `explain` (a post the rules flag and the
        model may not: why not). Character n-grams are credited to the word they came from,
        split evenly over the gram's occurrences, so explanations read as words
        ("'waiting' +0.8").
        """
        vocabulary = self.words.weights
        word_grams = [g for g in word_ngrams(text) if g in vocabulary]
        known, vocabulary = self._known, self.chars.weights
        by_word: list[tuple[str, tuple[str, ...]]] = []
        for word in char_words(text):
            grams = known.get(word)
            if grams is None:
                grams = tuple(g for g in word_char_ngrams(word) if g in vocabulary)
                if len(known) < CACHE_WORDS:
                    known[word] = grams
            by_word.append((word, grams))
        char_grams = [g for _w, grams in by_word for g in grams]
        rule_pushes = [
            (name, (x - mean) / scale * coef)
            for name, x, mean, scale, coef in zip(
                RULE_FEATURES, rules, self.rule_mean, self.rule_scale, self.rule_coef, strict=True
            )
        ]
        logit = (
            self.intercept
            + self.words.logit(word_grams)
            + self.chars.logit(char_grams)
            + sum(v for _n, v in rule_pushes)
        )
        probability = 1.0 / (1.0 + math.exp(-logit)) if logit > -700 else 0.0
        flagged = probability >= self.threshold
        if not (flagged or explain):
            return Verdict(probability, flagged, ())
        pushes: dict[str, float] = {}
        for gram, (value, _n) in self.words.contributions(word_grams).items():
            key = f"'{gram}'"
            pushes[key] = pushes.get(key, 0.0) + value
        chars = self.chars.contributions(char_grams)
        for word, grams in by_word:
            share = 0.0
            for g in grams:
                found = chars[g]
                share += found[0] / found[1]
            if share:
                key = f"'{display_word(word)}'"
                pushes[key] = pushes.get(key, 0.0) + share
        sign = 1.0 if flagged else -1.0

        def toward(items: list[tuple[str, float]], n: int) -> tuple[tuple[str, float], ...]:
            pushed = [kv for kv in items if kv[1] * sign > 0]
            return tuple(sorted(pushed, key=lambda kv: -kv[1] * sign)[:n])

        return Verdict(
            probability,
            flagged,
            toward(list(pushes.items()), top),
            toward([(f"rule {n}", v) for n, v in rule_pushes], 1),
        )

    # --- files -------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The model as a JSON-ready dict (every float kept exactly)."""

        def table(t: TermTable) -> dict[str, list[Any]]:
            terms = sorted(t.weights)
            return {
                "terms": terms,
                "idf": [t.weights[k][0] for k in terms],
                "coef": [t.weights[k][1] for k in terms],
            }

        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "words": table(self.words),
            "chars": table(self.chars),
            "rules": {
                "names": list(RULE_FEATURES),
                "mean": list(self.rule_mean),
                "scale": list(self.rule_scale),
                "coef": list(self.rule_coef),
            },
            "intercept": self.intercept,
            "threshold": self.threshold,
            "training": self.training,
        }

    def save(self, path: Path) -> None:
        """Write the model to `path` as JSON (atomically: a crash leaves no half file)."""
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), separators=(",", ":")), encoding="utf-8")
        tmp.replace(path)


def load_model(path: Path) -> LearnedModel:
    """Read a model file; ModelFileError naming the file for anything wrong with it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such model file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{path}: cannot read the model file: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ModelFileError(f"{path}: not a model file (bad or truncated JSON: {exc})") from None
    try:
        return from_json(data)
    except ModelFileError as exc:
        raise ModelFileError(f"{path}: {exc}") from None


def from_json(data: Any) -> LearnedModel:
    """Rebuild a model from its JSON dict, checking every field (ModelFileError if wrong)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelFileError(f'not a model file (no "format": "{FORMAT}")')
    if data.get("version") != FORMAT_VERSION:
        raise ModelFileError(
            f"model format version {data.get('version')!r}; this makegood reads {FORMAT_VERSION}"
        )
    rules = _field(data, "rules", dict)
    names = _field(rules, "names", list)
    if names != list(RULE_FEATURES):
        raise ModelFileError("its rule features differ from this makegood's: retrain it")
    n = len(RULE_FEATURES)
    return LearnedModel(
        words=_table(_field(data, "words", dict), "words"),
        chars=_table(_field(data, "chars", dict), "chars"),
        rule_mean=_numbers(rules, "mean", n),
        rule_scale=tuple(s if s else 1.0 for s in _numbers(rules, "scale", n)),
        rule_coef=_numbers(rules, "coef", n),
        intercept=_number(data.get("intercept"), "intercept"),
        threshold=_number(data.get("threshold", 0.5), "threshold"),
        training=data.get("training") if isinstance(data.get("training"), dict) else {},
    )


def _field(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind):
        raise ModelFileError(f"field {name!r} missing or not a {kind.__name__}")
    return value


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ModelFileError(f"field {name!r} is not a finite number")
    return float(value)


def _numbers(data: dict[str, Any], name: str, n: int) -> tuple[float, ...]:
    values = _field(data, name, list)
    if len(values) != n:
        raise ModelFileError(f"field {name!r} has {len(values)} values, expected {n}")
    return tuple(_number(v, name) for v in values)


def _table(data: dict[str, Any], name: str) -> TermTable:
    terms = _field(data, "terms", list)
    if not all(isinstance(t, str) for t in terms):
        raise ModelFileError(f"{name}.terms holds a value that is not text")
    idf = _numbers(data, "idf", len(terms))
    coef = _numbers(data, "coef", len(terms))
    return TermTable(dict(zip(terms, zip(idf, coef, strict=True), strict=True)))


__all__ = ["LearnedModel", "ModelFileError", "TermTable", "Verdict", "from_json", "load_model"]
