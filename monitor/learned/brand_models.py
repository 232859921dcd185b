"""The model a brand's mentions are scored with, loaded once per brand and version, and its verdict.

The ingest pipeline asks `BrandModels.rejudge` for each page: a brand whose `learned` setting
is "off" keeps the rules' Score as it is (today's behaviour); "default" uses the shipped model;
"brand" the brand's active version (the shipped one until a first version is kept). Which
version is active is read per page (one small query, so a rollback takes effect on the next
page in every process); the model itself is parsed once per version and kept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.learned.default import default_model
from monitor.learned.layer import judge_with_model
from monitor.learned.model import LearnedModel, ModelFileError, from_json
from monitor.learned.versions import active_key
from monitor.scoring import Score
from monitor.storage import models as m

log = logging.getLogger(__name__)
K = TypeVar("K")
DEFAULT_NAME = "default"


def rejudge(
    model: LearnedModel, name: str, text: str, score: Score, handles: tuple[str, ...]
) -> Score:
    """The rules' Score with the model's flag and reasons (naming the model and its terms)."""
    judged = judge_with_model(model, text, score, handles)
    severity = score.severity
    if judged.flagged and severity == "none":
        severity = "low"  # a case needs a severity; the model found a complaint the rules did not
    learned = judged.reasons[len(score.reasons) :]
    return replace(
        score,
        flagged=judged.flagged,
        severity=severity,
        reasons=(*score.reasons, f"learned model: {name}", *learned),
    )


class BrandModels:
    """Per process: each brand's model by (brand, version id), and the shipped default."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_version: dict[str, tuple[int, LearnedModel | None]] = {}
        self._default: LearnedModel | None = None
        self._default_failed = False
        self.loads = 0  # model parses so far (what the cache saves is visible in tests)

    def default(self) -> LearnedModel | None:
        """The shipped model, parsed once; None (logged once) when the install lacks it."""
        with self._lock:
            if self._default is None and not self._default_failed:
                try:
                    self._default = default_model()
                    self.loads += 1
                except ModelFileError as exc:
                    self._default_failed = True
                    log.error("the shipped learned model cannot be read: %s", exc)
            return self._default

    def model_for(self, session: Session, brand: str, mode: str) -> tuple[str, LearnedModel] | None:
        """(name, model) the brand scores with now, or None for the rules alone."""
        if mode == "off":
            return None
        if mode == "brand":
            key = active_key(session, brand)
            if key is not None:
                model = self._version(session, brand, *key)
                if model is not None:
                    return f"{brand} v{key[1]}", model
        model = self.default()
        return (DEFAULT_NAME, model) if model is not None else None

    def _version(
        self, session: Session, brand: str, version_id: int, number: int
    ) -> LearnedModel | None:
        with self._lock:
            cached = self._by_version.get(brand)
            if cached is not None and cached[0] == version_id:
                return cached[1]
        data = session.scalar(select(m.ModelVersion.model).where(m.ModelVersion.id == version_id))
        try:
            model: LearnedModel | None = from_json(data)
        except ModelFileError as exc:
            # Remembered as unusable: logged once, and the brand falls back to the default.
            log.error("model %s v%d cannot be used: %s", brand, number, exc)
            model = None
        with self._lock:
            self._by_version[brand] = (version_id, model)  # the older version is dropped
            self.loads += 1
        return model

    def rejudge(
        self,
        session: Session,
        brand: str,
        mode: str,
        handles: tuple[str, ...],
        texts: Mapping[K, str],
        scores: Mapping[K, Score],
    ) -> dict[K, Score]:
        """Each Score of a page judged again by the brand's model (unchanged when it has none)."""
        found = self.model_for(session, brand, mode)
        if found is None:
            return dict(scores)
        name, model = found
        return {k: rejudge(model, name, texts[k], s, handles) for k, s in scores.items()}


__all__ = ["DEFAULT_NAME", "BrandModels", "rejudge"]
