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

from sqlalchemy import case, delete, select
from sqlalchemy.orm import Session

from monitor.storage import models as m
from monitor.storage.upsert import insert_for

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
    # One upsert: atomic when two tabs of one person beat at once, so no insert-then-retry.
    viewer = m.CaseViewer
    stmt = insert_for(session, viewer).values(
        case_id=case_id, user_id=user_id, first_seen=now, last_seen=now
    )
    new = stmt.excluded  # `now`, stored through the columns' own type
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["case_id", "user_id"],
            set_={
                # Not seen within the window: the page was closed, this is a new visit.
                "first_seen": case(
                    (viewer.last_seen < now - VIEWING_WINDOW, new.first_seen),
                    else_=viewer.first_seen,
                ),
                "last_seen": case(
                    (viewer.last_seen < new.last_seen, new.last_seen), else_=viewer.last_seen
                ),
            },
        )
    )
    session.execute(delete(viewer).where(viewer.last_seen < now - FORGET_AFTER))


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
