"""The dashboard's outbox panel: what is waiting to go out, per kind, and what keeps failing."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.storage import models as m

SHOWN_STATES = ("pending", "sending", "sent", "dead")
PROBLEMS = 10


@dataclass
class OutboxPanel:
    """Counts by kind and state, and the latest items whose last try failed."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[m.OutboxItem] = field(default_factory=list)


def load_outbox_panel(session: Session) -> OutboxPanel:
    """Outbox items by kind and state, and the latest failing ones (not yet sent)."""
    panel = OutboxPanel()
    rows = session.execute(
        select(m.OutboxItem.kind, m.OutboxItem.state, func.count()).group_by(
            m.OutboxItem.kind, m.OutboxItem.state
        )
    ).all()
    for kind, state, count in rows:
        panel.counts.setdefault(kind, dict.fromkeys(SHOWN_STATES, 0))[state] = int(count)
    panel.problems = list(
        session.scalars(
            select(m.OutboxItem)
            .where(m.OutboxItem.state.in_(("pending", "dead")), m.OutboxItem.last_error != "")
            .order_by(m.OutboxItem.id.desc())
            .limit(PROBLEMS)
        )
    )
    return panel
