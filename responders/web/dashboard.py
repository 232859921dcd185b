"""Dashboard figures: open cases by severity, overdue, time to first response, negative volume."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from monitor.mention import utcnow
from monitor.scoring import SEVERITIES
from monitor.scoring.thresholds import negative_where
from monitor.storage import models as m
from responders.cases.review_queue import ACTIVE_SQL, overdue_where

CHART_DAYS = 14
CHART_W, CHART_H, CHART_PAD = 560, 160, 24
LABEL_ROOM = 14  # px above the tallest bar for its count


@dataclass(frozen=True, slots=True)
class Bar:
    """One day's bar of the chart, with its geometry precomputed for the SVG."""

    day: date
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Dashboard:
    """What the dashboard shows."""

    by_severity: list[tuple[str, int]] = field(default_factory=list)
    open_total: int = 0
    overdue: int = 0
    median_today: timedelta | None = None
    median_week: timedelta | None = None
    responded_today: int = 0
    responded_week: int = 0
    bars: list[Bar] = field(default_factory=list)
    chart_max: int = 0


def _median(session: Session, since: datetime) -> tuple[timedelta | None, int]:
    rows = session.execute(
        select(m.RecoveryCase.opened_at, m.RecoveryCase.first_response_at).where(
            m.RecoveryCase.first_response_at >= since
        )
    ).all()
    waits = [(first - opened).total_seconds() for opened, first in rows if first and opened]
    if not waits:
        return None, 0
    return timedelta(seconds=statistics.median(waits)), len(waits)


def _day_expr(session: Session) -> object:
    column = m.Mention.created_at
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)  # SQLite stores UTC text: date() takes its first 10 characters


def negative_volume(session: Session, now: datetime, days: int = CHART_DAYS) -> dict[date, int]:
    """Negative mentions per UTC day over the last `days` days (zero-filled)."""
    start = datetime.combine(now.date() - timedelta(days=days - 1), datetime.min.time(), now.tzinfo)
    day = _day_expr(session)
    rows = session.execute(
        select(day, func.count())  # type: ignore[call-overload]
        .where(m.Mention.created_at >= start, negative_where(m.Mention.sentiment))
        .group_by(day)
    ).all()
    counts = {date.fromisoformat(str(d)[:10]): int(n) for d, n in rows if d is not None}
    return {
        start.date() + timedelta(days=i): counts.get(start.date() + timedelta(days=i), 0)
        for i in range(days)
    }


def chart_bars(volume: dict[date, int]) -> tuple[list[Bar], int]:
    """Bar geometry for an SVG of CHART_W x CHART_H (counts above the bars, days below)."""
    top = max(volume.values(), default=0) or 1
    slot = CHART_W / max(len(volume), 1)
    usable = CHART_H - CHART_PAD
    bars = []
    for i, (day, count) in enumerate(sorted(volume.items())):
        height = (usable - LABEL_ROOM) * count / top  # room above the tallest bar for its count
        bars.append(Bar(day, count, i * slot + 2, usable - height, slot - 4, height))
    return bars, max(volume.values(), default=0)


def load_dashboard(session: Session, now: datetime | None = None) -> Dashboard:
    """Compute the dashboard's figures."""
    now = now or utcnow()
    board = Dashboard()
    counts = dict(
        session.execute(
            select(m.RecoveryCase.severity, func.count())
            .where(text(ACTIVE_SQL))
            .group_by(m.RecoveryCase.severity)
        ).all()
    )
    board.by_severity = [(s, int(counts.get(s, 0))) for s in reversed(SEVERITIES)]
    board.open_total = sum(n for _, n in board.by_severity)
    board.overdue = int(
        session.execute(
            select(func.count()).select_from(m.RecoveryCase).where(overdue_where(now))
        ).scalar_one()
    )
    midnight = datetime.combine(now.date(), datetime.min.time(), now.tzinfo)
    board.median_today, board.responded_today = _median(session, midnight)
    board.median_week, board.responded_week = _median(session, now - timedelta(days=7))
    board.bars, board.chart_max = chart_bars(negative_volume(session, now))
    return board
