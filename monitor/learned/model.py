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

from monitor.learned.features import RULE_FEATURES, char_ngrams_by_word, word_ngrams

FORMAT = "makegood-learned-model"
FORMAT_VERSION = 1


class ModelFileError(Exception):
    """A model file that cannot be used: missing, truncated, not a model, or inconsistent."""


@dataclass(frozen=True)
class TermTable:
    """One vocabulary: term -> (idf, coefficient) of a sublinear-tf, l2-normalised tf-idf."""

    weights: dict[str, tuple[float, float]]

    def contributions(self, grams: list[str]) -> dict[str, float]:
        """Each known gram's share of the decision (tf-idf value x coefficient)."""
        counts = Counter(g for g in grams if g in self.weights)
        if not counts:
            return {}
        values = {g: (1.0 + math.log(n)) * self.weights[g][0] for g, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values()))
        return {g: v / norm * self.weights[g][1] for g, v in values.items()}


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

    def verdict(self, text: str, rules: list[float], top: int = 3) -> Verdict:
        """The probability that `text` is a post to flag, with the `top` terms behind it.

        Character n-grams are credited to the word they came from, split evenly over the
        word's occurrences, so explanations read as words ("'waiting' +0.8").
        """
        pushes: Counter[str] = Counter()
        for gram, value in self.words.contributions(word_ngrams(text)).items():
            pushes[f"'{gram}'"] += value
        owners: dict[str, list[str]] = {}
        grams: list[str] = []
        for word, word_grams in char_ngrams_by_word(text):
            grams.extend(word_grams)
            for g in word_grams:
                owners.setdefault(g, []).append(word)
        for gram, value in self.chars.contributions(grams).items():
            who = owners[gram]
            for word in who:
                pushes[f"'{word}'"] += value / len(who)
        for name, x, mean, scale, coef in zip(
            RULE_FEATURES, rules, self.rule_mean, self.rule_scale, self.rule_coef, strict=True
        ):
            value = (x - mean) / scale * coef
            if value:
                pushes[f"rule {name}"] += value
        logit = self.intercept + sum(pushes.values())
        probability = 1.0 / (1.0 + math.exp(-logit)) if logit > -700 else 0.0
        flagged = probability >= self.threshold
        sign = 1.0 if flagged else -1.0
        ranked = sorted(
            ((k, v) for k, v in pushes.items() if v * sign > 0), key=lambda kv: -kv[1] * sign
        )
        terms = [kv for kv in ranked if not kv[0].startswith("rule ")][:top]
        rules = [kv for kv in ranked if kv[0].startswith("rule ")][:1]
        return Verdict(probability, flagged, tuple(terms), tuple(rules))

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
