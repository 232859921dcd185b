"""The default model shipped with makegood, and the redistributable data it is trained on.

Trained only on VADER's human-rated sets (cjhutto/vaderSentiment, MIT): a post whose mean
rating by 20 raters is at or below NEGATIVE_MEAN (on -4 .. +4) is one to flag. See
docs/model-card.md. Rebuild it with `.venv/bin/python scripts/train-default-model`.
"""

from __future__ import annotations

from pathlib import Path

from monitor.learned.model import LearnedModel, load_model

DEFAULT_MODEL = Path(__file__).with_name("default_model.json")
# The sets used: tweets and Amazon review snippets (closest to customers' posts).
SETS = ("tweets_GroundTruth.txt", "amazonReviewSnippets_GroundTruth.txt")
NEGATIVE_MEAN = -1.0  # clearly negative to most raters; -0.05 .. -1 is mild grumbling


def vader_rows(folder: Path) -> tuple[list[str], list[int]]:
    """(texts, labels) of the VADER ground-truth sets in `folder`, label 1 when negative."""
    texts: list[str] = []
    labels: list[int] = []
    for name in SETS:
        for line in (folder / name).read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("\t", 2)
            if len(parts) != 3:
                continue
            try:
                mean = float(parts[1])
            except ValueError:
                continue
            texts.append(parts[2])
            labels.append(int(mean <= NEGATIVE_MEAN))
    return texts, labels


def default_model() -> LearnedModel:
    """The shipped default model (ModelFileError if the install lacks it)."""
    return load_model(DEFAULT_MODEL)


__all__ = ["DEFAULT_MODEL", "NEGATIVE_MEAN", "default_model", "vader_rows"]
