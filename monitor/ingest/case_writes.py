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

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from monitor import business_time
from monitor.business_time import WorkCalendar
from monitor.ingest import writes
from monitor.ingest.routing import AuthorPlan, CaseState
from monitor.ingest.writes import ID_CHUNK
from monitor.mention import utcnow
from monitor.settings import SlaSettings
from monitor.storage import models as m
from monitor.storage.upsert import bulk_insert, bulk_update

OPEN_CASE = "status != 'closed'"  # the partial unique index: one open case per author, brand


# What routing and the win-back refresh need of a loaded case.
CASE_COLUMNS = (
    m.RecoveryCase.id, m.RecoveryCase.author_id, m.RecoveryCase.severity,
    m.RecoveryCase.first_mention_id, m.RecoveryCase.status, m.RecoveryCase.first_response_at,
    m.RecoveryCase.later_sentiment, m.RecoveryCase.win_back,
)  # fmt: skip


@dataclass
class PageCases:
    """The cases of a page's authors: the open one and the most recently closed one of each."""

    brand: str
    closed_since: datetime
    open: dict[int, Row[Any]] = field(default_factory=dict)
    closed: dict[int, Row[Any]] = field(default_factory=dict)

    def load(self, session: Session, author_ids: Iterable[int]) -> None:
        """Load (or reload) the cases of these authors: one query for open, one for closed."""
        ids = sorted(set(author_ids))
        case = m.RecoveryCase
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            mine = (case.author_id.in_(chunk), case.brand == self.brand)
            for row in session.execute(select(*CASE_COLUMNS).where(*mine, case.status != "closed")):
                self.open[row.author_id] = row
            newest_first = session.execute(
                select(*CASE_COLUMNS)
                .where(*mine, case.status == "closed", case.closed_at >= self.closed_since)
                .order_by(case.closed_at.desc(), case.id.desc())
            )
            for row in newest_first:
                self.closed.setdefault(row.author_id, row)

    def states(self) -> tuple[dict[int, CaseState], dict[int, CaseState]]:
        """Fresh routing states of the loaded cases: ({author: open}, {author: closed})."""
        return (
            {a: _state(c) for a, c in self.open.items()},
            {a: _state(c) for a, c in self.closed.items()},
        )

    def by_id(self) -> dict[int, Row[Any]]:
        """Every loaded case by id."""
        return {c.id: c for c in (*self.open.values(), *self.closed.values())}


def _state(case: Row[Any]) -> CaseState:
    return CaseState(
        case.id, case.author_id, case.severity, case.first_mention_id, case.status == "closed"
    )


def insert_new_cases(
    session: Session,
    brand: str,
    plans: Mapping[int, AuthorPlan],
    sla: SlaSettings,
    calendar: WorkCalendar | None = None,
) -> list[int]:
    """Insert the cases the plans open (ON CONFLICT DO NOTHING); the authors who lost a race.

    A case is written with the severity it ends the page at; its response clock starts at the
    complaint's post time and its SLA follows the opening mention's severity (in working time
    when the brand has a `calendar`). When another
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
                "sla_due_at": business_time.due(
                    calendar, opened_at, timedelta(minutes=sla.minutes_for(opener.score.severity))
                ),
                "complaint_sentiment": opener.score.sentiment,
                "lang": opener.score.lang,  # the queue's language column and filter
            }
        )
    if not rows:
        return []
    returned = bulk_insert(
        session, m.RecoveryCase.__table__, rows, conflict=("author_id", "brand"),
        where=OPEN_CASE, returning=("author_id", "id"),
    )  # fmt: skip
    ids = dict(returned)
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
    links = [(a.case.id, a.item.mention_id) for p in plans_in_order for a in p.attached]
    links += [
        (p.opened.id, p.opener.mention_id)
        for p in plans_in_order
        if p.opened is not None and p.opener is not None
    ]
    bulk_update(session, m.Mention.__table__, ("case_id",), "id", links)
    events = sorted(_events(plans_in_order, now), key=_first)
    bulk_insert(session, m.CaseEvent.__table__, [row for _, row in events])
    alerts = [
        {"brand": cases.brand, "kind": "severity", "dedupe_key": f"severity:{c.id}:{level}",
         "level": level, "case_id": c.id, "state": "new", "data": {}}
        for p in plans_in_order for c, level in p.alerts
    ]  # fmt: skip
    bulk_insert(session, m.Alert.__table__, alerts, conflict=("dedupe_key",))
    # An existing case made worse: severity and its version counter (the web's edit check).
    escalated = {s.id: s for s in _touched(plans_in_order)}
    bulk_update(
        session, m.RecoveryCase.__table__, ("severity", "severity_rank", "updated_at"), "id",
        [(s.severity, s.rank, utcnow(), s.id) for s in escalated.values()],
        also="version = version + 1",
    )  # fmt: skip
    loaded = cases.by_id()
    for state in _refreshed(plans_in_order):
        row = loaded.get(state.id or 0)
        if row is None:  # a case opened by this page has no response yet: nothing to do
            continue
        if row.first_response_at is None and row.later_sentiment is None and row.win_back is None:
            continue  # nothing to recompute, nothing to clear
        case = session.get(m.RecoveryCase, row.id, populate_existing=True)
        if case is not None:
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
