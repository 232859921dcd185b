"""The learned layer on top of the rules: a Score plus a model give a flag, a probability, reasons.

The rules run first (monitor.scoring, unchanged); the model reads the post's n-grams and the
rules' own findings and decides the flag. One exception: a post the rules flag as a safety
matter stays flagged whatever the model says (a missed hazard costs more than a false alarm).
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.learned.features import rule_features
from monitor.learned.model import LearnedModel, Verdict
from monitor.scoring import Score
from monitor.scoring.cues import normalize
from monitor.scoring.passes import find_cues

try:  # VADER's polarity_scores, computed once per word (monitor.scoring.sentiment's own twin)
    from monitor.scoring.sentiment import _polarity as _polarity_scores
except ImportError:  # pragma: no cover - the scoring core renamed it: plain VADER, same numbers
    from monitor.scoring.sentiment import analyzer

    _polarity_scores = analyzer().polarity_scores


@dataclass(frozen=True)
class Judged:
    """The rules' Score and the model's verdict on one post, and the flag they give together."""

    score: Score
    verdict: Verdict
    flagged: bool

    @property
    def reasons(self) -> tuple[str, ...]:
        """The rules' reasons, then the model's: its probability and the terms that pushed."""
        v = self.verdict
        learned = [f"learned: probability {v.probability:.2f}"]
        learned.extend(f"learned: {term} {value:+.2f}" for term, value in v.terms)
        learned.extend(f"learned: {name} {value:+.2f}" for name, value in v.rules)
        if self.flagged and not v.flagged:
            learned.append("kept flagged: the rules see a safety matter")
        return (*self.score.reasons, *learned)


def features_of(text: str, score: Score, brand_handles: tuple[str, ...] = ()) -> list[float]:
    """The rule features of `text` (VADER parts, cue counts, the Score's own fields, ...)."""
    return rule_features(
        text, _polarity_scores(text), find_cues(normalize(text)), score, brand_handles
    )


def judge_with_model(
    model: LearnedModel, text: str, score: Score, brand_handles: tuple[str, ...] = ()
) -> Judged:
    """The model's verdict on a post the rules scored as `score`, and the final flag."""
    verdict = model.verdict(text, features_of(text, score, brand_handles), explain=score.flagged)
    flagged = verdict.flagged or (score.flagged and score.category == "safety")
    return Judged(score, verdict, flagged)


__all__ = ["Judged", "features_of", "judge_with_model"]
