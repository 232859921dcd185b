"""The review queue kept live: how many cases arrived since a page was drawn, and its rows' state.

An open queue page polls these (responders.web.routes_queue_live). Both are index-only or
primary-key reads: new cases are the ids above the page's watermark (a range of the primary key,
which holds only the few cases since), counted under the queue's filter and capped like the
queue's own count; the rows' state is read by the page's own ids (at most a page of them).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.cases import review_queue as q

MAX_IDS = 2 * q.PAGE_SIZE  # a page shows PAGE_SIZE rows; more ids than this is not a page


def watermark(session: Session) -> int:
    """The highest case id now: cases above it are new to a page drawn at this moment."""
    return int(session.scalar(select(func.max(m.RecoveryCase.id))) or 0)


@lru_cache(maxsize=128)
def _new_statement(shape: q.Shape) -> Select[Any]:
    rc = m.RecoveryCase
    inner = q.filtered(select(rc.id).where(rc.id > bindparam("since")), shape)
    if shape[5]:  # a severity
        inner = inner.where(rc.severity_rank == bindparam("rank"))
    return select(func.count()).select_from(inner.limit(bindparam("cap")).subquery())


def count_new(session: Session, flt: q.QueueFilter, since: int, cap: int = q.COUNT_CAP) -> int:
    """How many cases matching `flt` have an id above `since`, counting at most `cap` + 1."""
    params = {**q.bind_params(flt), "since": since, "cap": cap + 1}
    return int(session.connection().execute(_new_statement(q.shape_of(flt)), params).scalar_one())


@dataclass(frozen=True, slots=True)
class RowState:
    """What a queue row shows that other people change: status, owner, version."""

    id: int
    status: str
    assignee: str
    version: int

    def as_dict(self) -> dict[str, object]:
        """As the poll's JSON (the status for people too)."""
        return {
            "id": self.id,
            "status": self.status,
            "status_label": self.status.replace("_", " "),
            "assignee": self.assignee,
            "version": self.version,
        }


ROW_STATES = (
    select(m.RecoveryCase.id, m.RecoveryCase.status, m.User.username, m.RecoveryCase.version)
    .outerjoin(m.User, m.User.id == m.RecoveryCase.assignee_id)
    .where(m.RecoveryCase.id.in_(bindparam("ids", expanding=True)))
    .order_by(m.RecoveryCase.id)
)


def row_states(session: Session, ids: list[int]) -> list[RowState]:
    """The current state of the cases a page shows (by primary key, one query, in id order)."""
    wanted = sorted(set(ids))[:MAX_IDS]
    if not wanted:
        return []
    rows = session.connection().execute(ROW_STATES, {"ids": wanted}).all()
    return [RowState(i, status, user or "", version) for i, status, user, version in rows]
