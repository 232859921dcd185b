"""Who has a case page open: heartbeats from the page's polling, and the others viewing now.

The case page and its presence polling (every few seconds while the tab is visible) call
`heartbeat`; `viewers` lists the other staff seen within VIEWING_WINDOW, each with the start of
their current visit, so a second person opening a case sees who else is looking at it (the
owner banner says who holds it). Stable values only (names, visit start), so the polling's
ETag changes only when someone arrives or leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.storage import models as m

# Three missed polls (static/presence.js polls every 5 s): the page was closed or hidden.
VIEWING_WINDOW = timedelta(seconds=16)
FORGET_AFTER = timedelta(hours=1)  # rows older than this are deleted by the next heartbeat


@dataclass(frozen=True, slots=True)
class Viewer:
    """Another staff member with the case open, since when (this visit)."""

    user_id: int
    name: str
    since: datetime

    def as_dict(self) -> dict[str, str]:
        """For the presence JSON: the name and the visit's start (HH:MM UTC)."""
        return {"name": self.name, "since": f"{self.since:%H:%M}"}


def heartbeat(session: Session, case_id: int, user_id: int, now: datetime) -> None:
    """Record that `user_id` has case `case_id` open now (a new visit after a gap)."""
    row = session.get(m.CaseViewer, (case_id, user_id))
    if row is None:
        try:
            with session.begin_nested():  # two tabs of one person may insert at once
                session.add(m.CaseViewer(case_id=case_id, user_id=user_id,
                                         first_seen=now, last_seen=now))  # fmt: skip
        except IntegrityError:
            row = session.get(m.CaseViewer, (case_id, user_id))
    if row is not None:
        if now - row.last_seen > VIEWING_WINDOW:
            row.first_seen = now
        row.last_seen = max(row.last_seen, now)
    session.execute(delete(m.CaseViewer).where(m.CaseViewer.last_seen < now - FORGET_AFTER))


def viewers(session: Session, case_id: int, user_id: int, now: datetime) -> list[Viewer]:
    """The staff other than `user_id` who had the case open within the window, by name."""
    rows = session.execute(
        select(m.CaseViewer.user_id, m.User.username, m.CaseViewer.first_seen)
        .join(m.User, m.User.id == m.CaseViewer.user_id)
        .where(
            m.CaseViewer.case_id == case_id,
            m.CaseViewer.user_id != user_id,
            m.CaseViewer.last_seen >= now - VIEWING_WINDOW,
        )
        .order_by(m.User.username)
    )
    return [Viewer(uid, name, since) for uid, name, since in rows]


def describe(found: list[Viewer]) -> str:
    """'Also viewing: rex (since 10:42), vera (since 10:40)', or '' when nobody else is."""
    if not found:
        return ""
    return "Also viewing: " + ", ".join(f"{v.name} (since {v.since:%H:%M})" for v in found)
