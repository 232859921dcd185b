"""Judging a model on held-back labels: the time-ordered split, figures, the keep-or-reject rule.

Pure functions over lists of 0/1 labels; no database, no scikit-learn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Figures:
    """How one flag did on a set of labeled posts (complaint = the class to flag)."""

    rows: int
    positives: int
    precision: float
    recall: float
    complaint_f1: float
    not_complaint_f1: float
    macro_f1: float

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready numbers, rounded to 4 places."""
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def figures(truth: Sequence[int], predicted: Sequence[int]) -> Figures:
    """Precision, recall and F1 of the complaint class, the other class's F1, and their mean."""
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} labels but {len(predicted)} predictions")
    tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t and p)
    fp = sum(1 for t, p in zip(truth, predicted, strict=True) if not t and p)
    fn = sum(1 for t, p in zip(truth, predicted, strict=True) if t and not p)
    tn = len(truth) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    # The same for "not a complaint", so a flag that raises everything is not rewarded.
    neg_precision = tn / (tn + fn) if tn + fn else 0.0
    neg_recall = tn / (tn + fp) if tn + fp else 0.0
    complaint = _f1(precision, recall)
    other = _f1(neg_precision, neg_recall)
    return Figures(
        rows=len(truth),
        positives=tp + fn,
        precision=precision,
        recall=recall,
        complaint_f1=complaint,
        not_complaint_f1=other,
        macro_f1=(complaint + other) / 2,
    )


def time_split(rows: Sequence[T], holdout_share: float) -> tuple[list[T], list[T]]:
    """(older rows to train on, the latest `holdout_share` to judge on); rows oldest first.

    The held-back slice is at least one row and leaves at least one to train on. Judging on the
    latest labels asks the question that matters: how the model does on posts it has not seen,
    from after it was trained.
    """
    if len(rows) < 2:
        raise ValueError("a split needs at least two rows")
    held = min(max(math.ceil(len(rows) * holdout_share), 1), len(rows) - 1)
    return list(rows[: len(rows) - held]), list(rows[len(rows) - held :])


# Rounding noise is not "worse": a tie within this much counts as as good.
TOLERANCE = 1e-9


def at_least_as_good(candidate: Figures, current: Figures) -> bool:
    """Whether `candidate` does at least as well as `current` on macro and complaint F1 both."""
    return (
        candidate.macro_f1 + TOLERANCE >= current.macro_f1
        and candidate.complaint_f1 + TOLERANCE >= current.complaint_f1
    )


__all__ = ["TOLERANCE", "Figures", "at_least_as_good", "figures", "time_split"]
