"""Retraining a brand's model from its staff labels, kept only if it does at least as well.

Per brand, under the lease "retrain:BRAND" (two workers never train one brand at once): when
enough labels changed since the last version (or the last one is older than a day and any did),
train on the older labels (plus the default data, if configured), judge on the latest share held
back, compare on that same slice with the model the brand scores with now (its active version,
else the shipped default), and store a version: active (the previous one retired) if at least as
good on macro and complaint F1, else rejected with its figures. Every run that trains stores a
version recording the labels it saw, so running the job again without new labels trains nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from monitor import leases
from monitor.learned.brand_models import BrandModels, rejudge
from monitor.learned.default import vader_rows
from monitor.learned.evaluate import Figures, at_least_as_good, figures, time_split
from monitor.learned.model import LearnedModel
from monitor.learned.versions import (
    Labeled,
    brand_labels,
    changes_since,
    label_state,
    latest_version,
    next_number,
    state_of,
)
from monitor.mention import utcnow
from monitor.scoring import Score, score_text
from monitor.settings import BrandSettings, LearningSettings, Settings
from monitor.storage import models as m

log = logging.getLogger(__name__)
# Training a few thousand rows takes a minute or two: longer than the worker's usual lease.
MIN_LEASE_SECONDS = 900
RULES = "rules"


@dataclass(frozen=True)
class Outcome:
    """What one retraining run did for one brand."""

    brand: str
    status: str  # kept, rejected, not_due, too_few, one_class, busy, bad_setting
    version: int | None = None
    detail: str = ""


def lease_name(brand: str) -> str:
    """The lease one brand's retraining runs under."""
    return f"retrain:{brand}"


def why_due(
    changes: int, last_created: datetime | None, now: datetime, learning: LearningSettings
) -> str:
    """Why a brand's model is due for retraining, or '' when it is not."""
    if changes <= 0:
        return ""
    if last_created is None:
        return "no version yet"
    if changes >= learning.retrain_after_labels:
        return f"{changes} labels changed since the last version"
    if now - last_created >= timedelta(hours=learning.retrain_every_hours):
        return f"the last version is older than {learning.retrain_every_hours:g} h"
    return ""


def retrain_brand(
    settings: Settings,
    factory: sessionmaker[Session],
    brand: BrandSettings,
    owner: str,
    now: datetime | None = None,
    force: bool = False,
) -> Outcome:
    """Retrain `brand` if due (or `force`), under its lease; 'busy' if another worker holds it."""
    now = now or utcnow()
    seconds = max(settings.worker.lease_seconds, MIN_LEASE_SECONDS)
    with leases.held(factory, lease_name(brand.name), owner, seconds, now) as mine:
        if not mine:
            return Outcome(brand.name, "busy", detail="another worker is training this brand")
        return _retrain(settings, factory, brand, now, force)


def _retrain(
    settings: Settings,
    factory: sessionmaker[Session],
    brand: BrandSettings,
    now: datetime,
    force: bool,
) -> Outcome:
    learning = settings.learning
    with factory() as session:
        last = latest_version(session, brand.name)
        changes = changes_since(session, brand.name, state_of(last))
        reason = why_due(changes, last.created_at if last else None, now, learning)
        if not reason and not (force and changes > 0):
            return Outcome(brand.name, "not_due", detail=f"{changes} labels changed")
        seen = label_state(session, brand.name)
        labels = brand_labels(session, brand.name, through_id=seen.through_id)
        current = BrandModels().model_for(session, brand.name, "brand")
    if len(labels) < learning.min_labels:
        return Outcome(brand.name, "too_few", detail=f"{len(labels)} of {learning.min_labels}")
    train, held = time_split(labels, learning.holdout_share)
    for part, rows in (("training", train), ("held-back", held)):
        if len({r.label for r in rows}) < 2:
            return Outcome(brand.name, "one_class", detail=f"the {part} labels are all one kind")
    extra = Path(learning.default_data_dir) / "vader_groundtruth"
    if learning.default_data_dir and not extra.is_dir():
        detail = f"learning.default_data_dir: {extra} is not a folder; nothing was trained"
        log.error("brand %s: %s", brand.name, detail)
        return Outcome(brand.name, "bad_setting", detail=detail)
    handles = tuple(brand.handles)
    model = _fit(train, handles, learning, brand.name)
    truth = [r.label for r in held]
    rules_scores = [score_text(r.text, brand_handles=handles, lang=r.lang) for r in held]
    candidate = _figures(model, "candidate", held, rules_scores, handles, truth)
    rules = figures(truth, [int(s.flagged) for s in rules_scores])
    if current is None:  # the shipped model is missing: the rules are what is in use
        base_name, baseline = RULES, rules
    else:
        base_name = current[0]
        baseline = _figures(current[1], base_name, held, rules_scores, handles, truth)
    kept = at_least_as_good(candidate, baseline)
    with factory() as session, session.begin():
        number = next_number(session, brand.name)
        if kept:
            session.execute(
                update(m.ModelVersion)
                .where(m.ModelVersion.brand == brand.name, m.ModelVersion.status == "active")
                .values(status="retired")
            )
        verb = ">=" if kept else "<"
        session.add(
            m.ModelVersion(
                brand=brand.name,
                version=number,
                status="active" if kept else "rejected",
                model=model.to_json(),
                labels_used=len(labels),
                metrics={
                    "held_back": candidate.as_dict(),
                    "rules": rules.as_dict(),
                    "trained_on": len(train),
                    "held_back_rows": len(held),
                    "labels": {"through_id": seen.through_id, "revoked": seen.revoked},
                    "why": reason or "forced",
                },
                baseline_metrics={"name": base_name, **baseline.as_dict()},
                note=(
                    f"{'kept' if kept else 'rejected'}: macro F1 {candidate.macro_f1:.3f}"
                    f" {verb} {baseline.macro_f1:.3f} ({base_name}), complaint F1"
                    f" {candidate.complaint_f1:.3f} vs {baseline.complaint_f1:.3f}"
                ),
                created_at=now,
                activated_at=now if kept else None,
            )
        )
    status = "kept" if kept else "rejected"
    log.info("brand %s: model v%d %s (%s)", brand.name, number, status, reason or "forced")
    return Outcome(brand.name, status, number, reason or "forced")


def _fit(
    train: Sequence[Labeled], handles: tuple[str, ...], learning: LearningSettings, brand: str
) -> LearnedModel:
    from monitor.learned.train import fit  # scikit-learn: only when a brand is trained

    texts = [r.text for r in train]
    labels = [r.label for r in train]
    extra = 0
    if learning.default_data_dir:
        more_texts, more_labels = vader_rows(Path(learning.default_data_dir) / "vader_groundtruth")
        texts.extend(more_texts)
        labels.extend(more_labels)
        extra = len(more_texts)
    return fit(
        texts,
        labels,
        brand_handles=handles,
        training={"brand": brand, "brand_labels": len(train), "default_rows": extra},
    )


def _figures(
    model: LearnedModel,
    name: str,
    held: Sequence[Labeled],
    scores: Sequence[Score],
    handles: tuple[str, ...],
    truth: list[int],
) -> Figures:
    """A model's figures on the held-back rows, judged exactly as the ingest pipeline would."""
    predicted = [
        int(rejudge(model, name, r.text, s, handles).flagged)
        for r, s in zip(held, scores, strict=True)
    ]
    return figures(truth, predicted)


def retrain_all(
    settings: Settings, factory: sessionmaker[Session], owner: str, force: bool = False
) -> list[Outcome]:
    """Retrain every brand whose `learned` setting is "brand" (if due)."""
    outcomes = []
    for brand in settings.brands:
        if brand.learned == "brand":
            outcomes.append(retrain_brand(settings, factory, brand, owner, force=force))
    return outcomes


__all__ = ["Outcome", "lease_name", "retrain_all", "retrain_brand", "why_due"]
