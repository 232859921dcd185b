"""How good the flag is by staff's word: precision of flags and reported misses per brand and week.

A flagged mention staff answered or closed with a root cause is a confirmed flag; one they
dismissed as "not a complaint" is a false flag; a complaint reported on an unflagged mention is a
miss. Only active labels count (an undone verdict does not). `compute_flag_weeks` is pure;
`load_flag_weeks` reads the labels at the edge.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.storage import models as m

CONFIRMED, MISSED = "confirmed", "missed"


@dataclass(frozen=True, slots=True)
class LabelRow:
    """One active verdict: the post's brand and time, the label, its reason, whether flagged."""

    brand: str
    posted_at: datetime
    label: str
    reason: str
    was_flagged: bool


@dataclass
class FlagWeek:
    """One brand's verdicts on the posts of one week (Monday to Sunday, UTC)."""

    brand: str
    week: date  # the Monday; date.min for the brand's whole-period total
    confirmed: int = 0
    dismissed: int = 0
    missed: int = 0
    dismissed_why: Counter[str] = field(default_factory=Counter)

    @property
    def is_total(self) -> bool:
        """Whether this is the brand's row for the whole period rather than one week."""
        return self.week == date.min

    @property
    def precision(self) -> float | None:
        """Confirmed flags over judged flags (None when staff judged none)."""
        judged = self.confirmed + self.dismissed
        return round(self.confirmed / judged, 4) if judged else None


def week_of(moment: datetime) -> date:
    """The Monday of `moment`'s ISO week."""
    day = moment.date()
    return day - timedelta(days=day.weekday())


def compute_flag_weeks(rows: Iterable[LabelRow]) -> list[FlagWeek]:
    """Per brand and week, newest week first, then brand: confirmed, dismissed, missed flags.

    Each brand also gets a total row with `week` = date.min, listed first for that brand.
    """
    weeks: dict[tuple[str, date], FlagWeek] = {}
    for row in rows:
        for key in ((row.brand, week_of(row.posted_at)), (row.brand, date.min)):
            figures = weeks.setdefault(key, FlagWeek(*key))
            if row.was_flagged and row.label == "complaint":
                figures.confirmed += 1
            elif row.was_flagged and row.label == "not_complaint":
                figures.dismissed += 1
                figures.dismissed_why[row.reason] += 1
            elif row.reason == MISSED and not row.was_flagged:
                figures.missed += 1
    totals = sorted((w for w in weeks.values() if w.week == date.min), key=lambda w: w.brand)
    by_week = sorted(
        (w for w in weeks.values() if w.week != date.min),
        key=lambda w: (-w.week.toordinal(), w.brand),
    )
    return totals + by_week


def load_flag_weeks(
    session: Session, brand: str | None, start: datetime, end: datetime
) -> list[FlagWeek]:
    """The active labels of posts made in [start, end) (one brand or all), as weekly figures."""
    query = (
        select(
            m.MentionLabel.brand,
            m.Mention.created_at,
            m.MentionLabel.label,
            m.MentionLabel.reason,
            m.MentionLabel.was_flagged,
        )
        .join(m.Mention, m.Mention.id == m.MentionLabel.mention_id)
        .where(
            m.MentionLabel.revoked_at.is_(None),
            m.Mention.created_at >= start,
            m.Mention.created_at < end,
        )
    )
    if brand:
        query = query.where(m.MentionLabel.brand == brand)
    return compute_flag_weeks(LabelRow(*row) for row in session.execute(query))
