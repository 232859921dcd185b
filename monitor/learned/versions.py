"""A brand's stored labels and model versions: reading them, numbering them, activating one.

The database side of the lifecycle (issue 12): `mention_labels` are what staff said,
`model_versions` what was trained from them. At most one version per brand is active; making
another one active retires it in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.storage import models as m

STATUSES = ("candidate", "active", "rejected", "retired")


@dataclass(frozen=True)
class Labeled:
    """One mention's standing label: the text, 1 for a complaint, and when staff said so."""

    label_id: int
    mention_id: int
    created_at: datetime
    text: str
    lang: str
    label: int


@dataclass(frozen=True)
class LabelState:
    """What a version was trained from, to tell later whether anything changed since."""

    through_id: int  # the newest label id seen
    revoked: int  # how many of the brand's labels were revoked then


def brand_labels(session: Session, brand: str, through_id: int | None = None) -> list[Labeled]:
    """The brand's standing labels, one per mention (its latest unrevoked), oldest first.

    With `through_id`, only labels up to that id: what a version records having seen is then
    exactly what it was trained on, even while staff keep labelling.
    """
    query = (
        select(
            m.MentionLabel.id,
            m.MentionLabel.mention_id,
            m.MentionLabel.created_at,
            m.MentionLabel.label,
            m.Mention.text,
            m.Mention.lang,
        )
        .join(m.Mention, m.Mention.id == m.MentionLabel.mention_id)
        .where(m.MentionLabel.brand == brand, m.MentionLabel.revoked_at.is_(None))
        .order_by(m.MentionLabel.created_at, m.MentionLabel.id)
    )
    if through_id is not None:
        query = query.where(m.MentionLabel.id <= through_id)
    rows = session.execute(query).all()
    latest: dict[int, Labeled] = {}
    for label_id, mention_id, created, label, text, lang in rows:
        if label not in m.LABEL_VALUES:
            continue  # a value this version does not know is not guessed at
        latest.pop(mention_id, None)  # re-inserted: the mention moves to its latest label's time
        latest[mention_id] = Labeled(
            label_id, mention_id, created, text or "", lang or "", int(label == "complaint")
        )
    return list(latest.values())


def label_state(session: Session, brand: str) -> LabelState:
    """The brand's newest label id and its count of revoked labels, now."""
    newest, revoked = session.execute(
        select(
            func.coalesce(func.max(m.MentionLabel.id), 0),
            func.count(m.MentionLabel.revoked_at),
        ).where(m.MentionLabel.brand == brand)
    ).one()
    return LabelState(int(newest), int(revoked))


def changes_since(session: Session, brand: str, then: LabelState | None) -> int:
    """Labels added (unrevoked) or revoked since `then` (every standing label when None)."""
    if then is None:
        return len(brand_labels(session, brand))
    added = session.scalar(
        select(func.count()).where(
            m.MentionLabel.brand == brand,
            m.MentionLabel.id > then.through_id,
            m.MentionLabel.revoked_at.is_(None),
        )
    )
    now = label_state(session, brand)
    return int(added or 0) + max(now.revoked - then.revoked, 0)


def latest_version(session: Session, brand: str) -> m.ModelVersion | None:
    """The brand's newest version, whatever its status."""
    return session.scalars(
        select(m.ModelVersion)
        .where(m.ModelVersion.brand == brand)
        .order_by(m.ModelVersion.version.desc())
        .limit(1)
    ).first()


def state_of(version: m.ModelVersion | None) -> LabelState | None:
    """The label state a version recorded when it was trained (None for no version)."""
    if version is None:
        return None
    seen = version.metrics.get("labels") if isinstance(version.metrics, dict) else None
    if not isinstance(seen, dict):
        return LabelState(0, 0)
    return LabelState(int(seen.get("through_id", 0)), int(seen.get("revoked", 0)))


def active_version(session: Session, brand: str) -> m.ModelVersion | None:
    """The brand's active version, if one is."""
    return session.scalars(
        select(m.ModelVersion).where(
            m.ModelVersion.brand == brand, m.ModelVersion.status == "active"
        )
    ).first()


def active_key(session: Session, brand: str) -> tuple[int, int] | None:
    """(row id, version number) of the brand's active version, without loading its model."""
    row = session.execute(
        select(m.ModelVersion.id, m.ModelVersion.version)
        .where(m.ModelVersion.brand == brand, m.ModelVersion.status == "active")
        .limit(1)
    ).first()
    return (int(row[0]), int(row[1])) if row else None


def next_number(session: Session, brand: str) -> int:
    """The number the brand's next version gets (1 for the first)."""
    top = session.scalar(
        select(func.max(m.ModelVersion.version)).where(m.ModelVersion.brand == brand)
    )
    return int(top or 0) + 1


def list_versions(session: Session, brand: str | None = None) -> list[m.ModelVersion]:
    """Every version (of one brand, or all), by brand then newest first."""
    query = select(m.ModelVersion).order_by(m.ModelVersion.brand, m.ModelVersion.version.desc())
    if brand is not None:
        query = query.where(m.ModelVersion.brand == brand)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Summary:
    """One version's figures as staff read them (F1s on the held-back slice, None if unknown)."""

    id: int
    brand: str
    version: int
    status: str
    labels_used: int
    held_back_rows: int
    macro_f1: float | None
    complaint_f1: float | None
    baseline: str
    baseline_macro_f1: float | None
    baseline_complaint_f1: float | None
    rules_macro_f1: float | None
    rules_complaint_f1: float | None
    created_at: datetime | None
    note: str


def _number_or_none(data: object, key: str) -> float | None:
    value = data.get(key) if isinstance(data, dict) else None
    return float(value) if isinstance(value, int | float) else None


def summarize(version: m.ModelVersion) -> Summary:
    """The figures of a version, read defensively from its JSON columns."""
    metrics = version.metrics if isinstance(version.metrics, dict) else {}
    held = metrics.get("held_back", {})
    base = version.baseline_metrics if isinstance(version.baseline_metrics, dict) else {}
    rows = metrics.get("held_back_rows", 0)
    return Summary(
        id=version.id,
        brand=version.brand,
        version=version.version,
        status=version.status,
        labels_used=version.labels_used,
        held_back_rows=int(rows) if isinstance(rows, int) else 0,
        macro_f1=_number_or_none(held, "macro_f1"),
        complaint_f1=_number_or_none(held, "complaint_f1"),
        baseline=str(base.get("name", "")),
        baseline_macro_f1=_number_or_none(base, "macro_f1"),
        baseline_complaint_f1=_number_or_none(base, "complaint_f1"),
        rules_macro_f1=_number_or_none(metrics.get("rules"), "macro_f1"),
        rules_complaint_f1=_number_or_none(metrics.get("rules"), "complaint_f1"),
        created_at=version.created_at,
        note=version.note,
    )


def activate(
    session: Session, version_id: int, user_id: int | None, now: datetime
) -> tuple[m.ModelVersion | None, str]:
    """Make a version its brand's active one, retiring the one active before.

    Returns (the version, "") or (None, why not). Any stored version may be activated, a
    rejected one included: the gate keeps the worker from replacing a model with a worse one,
    and an admin who overrules it is audited by the caller.
    """
    version = session.get(m.ModelVersion, version_id, with_for_update=True)
    if version is None:
        return None, f"model version #{version_id} does not exist"
    if version.status == "active":
        return None, f"{version.brand} v{version.version} is already the active model"
    current = active_version(session, version.brand)
    if current is not None:
        current.status = "retired"
        session.flush()  # one active row at a time, even for a partial unique index
    version.status = "active"
    version.activated_at = now
    version.activated_by = user_id
    return version, ""


__all__ = [
    "STATUSES",
    "LabelState",
    "Labeled",
    "Summary",
    "activate",
    "active_key",
    "active_version",
    "brand_labels",
    "changes_since",
    "label_state",
    "latest_version",
    "list_versions",
    "next_number",
    "state_of",
    "summarize",
]
