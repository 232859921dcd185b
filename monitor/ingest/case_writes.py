"""A page's case writes in bulk: load the authors' cases, then write what routing chose.

Two queries load the page's cases (open ones, and ones closed within the win-back window) for
every author at once; the plans of `routing` are then written with one executemany statement
each for new cases, mentions' case ids, case events and severity alerts, on SQLite and
PostgreSQL alike. Only existing cases whose severity rose, or whose win-back must be recomputed
(a responded case hearing from its author again), are touched one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from monitor.ingest import writes
from monitor.ingest.routing import AuthorPlan, CaseState
from monitor.mention import utcnow
from monitor.scoring import severity_rank
from monitor.settings import SlaSettings
from monitor.storage import models as m
from monitor.storage.upsert import insert_for

ID_CHUNK = 900  # ids per IN (...) list: well inside every driver's parameter limit
OPEN = text("status != 'closed'")  # the partial unique index: one open case per author, brand


@dataclass
class PageCases:
    """The cases of a page's authors: the open one and the most recently closed one of each."""

    brand: str
    closed_since: datetime
    open: dict[int, m.RecoveryCase] = field(default_factory=dict)
    closed: dict[int, m.RecoveryCase] = field(default_factory=dict)

    def load(self, session: Session, author_ids: Iterable[int]) -> None:
        """Load (or reload) the cases of these authors: one query for open, one for closed."""
        ids = sorted(set(author_ids))
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            for case in session.scalars(
                select(m.RecoveryCase).where(
                    m.RecoveryCase.author_id.in_(chunk),
                    m.RecoveryCase.brand == self.brand,
                    m.RecoveryCase.status != "closed",
                )
            ):
                self.open[case.author_id] = case
            newest_first = session.scalars(
                select(m.RecoveryCase)
                .where(
                    m.RecoveryCase.author_id.in_(chunk),
                    m.RecoveryCase.brand == self.brand,
                    m.RecoveryCase.status == "closed",
                    m.RecoveryCase.closed_at >= self.closed_since,
                )
                .order_by(m.RecoveryCase.closed_at.desc(), m.RecoveryCase.id.desc())
            )
            for case in newest_first:
                self.closed.setdefault(case.author_id, case)

    def states(self) -> tuple[dict[int, CaseState], dict[int, CaseState]]:
        """Fresh routing states of the loaded cases: ({author: open}, {author: closed})."""
        return (
            {a: _state(c) for a, c in self.open.items()},
            {a: _state(c) for a, c in self.closed.items()},
        )

    def by_id(self) -> dict[int, m.RecoveryCase]:
        """Every loaded case by id."""
        return {c.id: c for c in (*self.open.values(), *self.closed.values())}


def _state(case: m.RecoveryCase) -> CaseState:
    return CaseState(
        case.id, case.author_id, case.severity, case.first_mention_id, case.status == "closed"
    )


def insert_new_cases(
    session: Session, brand: str, plans: Mapping[int, AuthorPlan], sla: SlaSettings
) -> list[int]:
    """Insert the cases the plans open (ON CONFLICT DO NOTHING); the authors who lost a race.

    A case is written with the severity it ends the page at; its response clock starts at the
    complaint's post time and its SLA follows the opening mention's severity. When another
    worker opened an author's case a moment ago, that author's id comes back: route again.
    """
    rows = []
    for plan in plans.values():
        case, opener = plan.opened, plan.opener
        if case is None or opener is None:
            continue
        opened_at = opener.created_at or utcnow()
        rows.append(
            {
                "brand": brand,
                "platform": opener.platform,
                "author_id": case.author_id,
                "first_mention_id": opener.mention_id,
                "status": "open",
                "severity": case.severity,
                "severity_rank": case.rank,
                "category": opener.score.category,
                "opened_at": opened_at,
                "sla_due_at": opened_at + timedelta(minutes=sla.minutes_for(opener.score.severity)),
                "complaint_sentiment": opener.score.sentiment,
            }
        )
    if not rows:
        return []
    table = m.RecoveryCase.__table__
    stmt = (
        insert_for(session, table)
        .on_conflict_do_nothing(index_elements=["author_id", "brand"], index_where=OPEN)
        .returning(table.c.author_id, table.c.id)
    )
    ids = dict(session.connection().execute(stmt, rows).all())
    for author, plan in plans.items():
        if plan.opened is not None and author in ids:
            plan.opened.id = ids[author]
    return [author for author, plan in plans.items() if plan.opened and author not in ids]


def write_plans(
    session: Session,
    plans: Mapping[int, AuthorPlan],
    cases: PageCases,
    win_back_days: int,
    now: datetime,
) -> None:
    """Write what the plans decided: case ids, events, escalations, alerts, win-back."""
    plans_in_order = list(plans.values())
    conn = session.connection()
    links = [
        {"m_id": a.item.mention_id, "c_id": a.case.id} for p in plans_in_order for a in p.attached
    ]
    links += [
        {"m_id": p.opener.mention_id, "c_id": p.opened.id}
        for p in plans_in_order
        if p.opened is not None and p.opener is not None
    ]
    if links:
        table = m.Mention.__table__
        stmt = (
            update(table).where(table.c.id == bindparam("m_id")).values(case_id=bindparam("c_id"))
        )
        conn.execute(stmt, links)
    events = _events(plans_in_order, now)
    if events:
        conn.execute(m.CaseEvent.__table__.insert(), [row for _, row in sorted(events, key=_first)])
    alerts = [
        {"brand": cases.brand, "kind": "severity", "dedupe_key": f"severity:{c.id}:{level}",
         "level": level, "case_id": c.id, "state": "new", "data": {}}
        for p in plans_in_order for c, level in p.alerts
    ]  # fmt: skip
    if alerts:
        stmt = insert_for(session, m.Alert.__table__).on_conflict_do_nothing(
            index_elements=["dedupe_key"]
        )
        conn.execute(stmt, alerts)
    loaded = cases.by_id()
    for state in _touched(plans_in_order):
        case = loaded.get(state.id or 0)
        if case is not None and state.escalated:
            case.severity = state.severity
            case.severity_rank = severity_rank(state.severity)
    for state in _refreshed(plans_in_order):
        case = loaded.get(state.id or 0)
        if case is not None:  # a case opened by this page has no response yet: nothing to do
            writes.refresh_win_back(session, case, win_back_days)
    session.flush()


def _events(plans: Sequence[AuthorPlan], now: datetime) -> list[tuple[int, dict[str, Any]]]:
    """(page index, row) of every `opened` and `mention_attached` event of the page."""
    events: list[tuple[int, dict[str, Any]]] = []
    for plan in plans:
        if plan.opened is not None and plan.opener is not None:
            score = plan.opener.score
            events.append((plan.opener.index, {
                "case_id": plan.opened.id, "kind": "opened", "note": "; ".join(score.reasons),
                "at": utcnow(), "data": {"mention_id": plan.opener.mention_id,
                                         "severity": score.severity},
            }))  # fmt: skip
        for a in plan.attached:
            events.append((a.item.index, {"case_id": a.case.id, "kind": "mention_attached",
                                          "note": "", "at": now, "data": a.data}))  # fmt: skip
    return events


def _first(event: tuple[int, dict[str, Any]]) -> int:
    return event[0]


def _touched(plans: Sequence[AuthorPlan]) -> list[CaseState]:
    return [a.case for p in plans for a in p.attached if a.case.escalated]


def _refreshed(plans: Sequence[AuthorPlan]) -> list[CaseState]:
    return [c for p in plans for c in p.refresh]
