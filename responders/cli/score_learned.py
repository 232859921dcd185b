"""`makegood score --model MODEL`: the learned layer's hook into a scoring run.

A ScoreRun with `learned` set hands each scored row here: the model's verdict replaces the
flag, the result line gains `probability`, and the reasons name the learned terms. Plain
data (the model is numbers and dicts), so a parallel run's workers get it as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from monitor.learned import LearnedModel, judge_with_model, load_model
from monitor.learned.default import DEFAULT_MODEL
from monitor.records import MAX_TEXT_CHARS, dumps_row
from monitor.scoring import Score


class LearnedHook:
    """Turns a row's rule Score into (flagged, result line) with the model's verdict."""

    def __init__(self, model: LearnedModel, brand_handles: tuple[str, ...]) -> None:
        self.model = model
        self.brand_handles = brand_handles

    def __call__(self, data: dict[str, Any], output_id: Any, score: Score) -> tuple[bool, str]:
        """(final flag, the JSON line) of one scored row."""
        text = data.get("text")
        text = text if isinstance(text, str) else str(text or "")
        text = text.replace("\x00", "")[:MAX_TEXT_CHARS]
        judged = judge_with_model(self.model, text, score, self.brand_handles)
        line = dumps_row(
            {
                "id": output_id,
                "sentiment": score.sentiment,
                "complaint": score.complaint,
                "category": score.category,
                "severity": score.severity,
                "flagged": judged.flagged,
                "probability": round(judged.verdict.probability, 4),
                "reasons": list(judged.reasons),
            }
        )
        return judged.flagged, line


def model_from_option(value: str) -> LearnedModel:
    """The model named by `--model`: a file path, or `default` for the shipped one."""
    return load_model(DEFAULT_MODEL if value == "default" else Path(value))


__all__ = ["LearnedHook", "model_from_option"]
