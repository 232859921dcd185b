"""The channel health page: each channel's last poll, failures, and the gaps it recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.web.deps import current_user, db_session, render

router = APIRouter()
GAPS_SHOWN = 500  # newest gaps across all channels; older ones stay in the table


@dataclass
class ChannelHealth:
    """One channel's row on the page with its gaps, newest first."""

    channel: m.Channel
    gaps: list[m.ChannelGap] = field(default_factory=list)


def load_channel_health(session: Session) -> list[ChannelHealth]:
    """Every known channel (by brand, then key) with its most recent gaps, newest first."""
    channels = session.scalars(select(m.Channel).order_by(m.Channel.brand, m.Channel.key)).all()
    rows = {c.key: ChannelHealth(c) for c in channels}
    gaps = session.scalars(
        select(m.ChannelGap)
        .where(m.ChannelGap.channel.in_(list(rows)))
        .order_by(m.ChannelGap.detected_at.desc(), m.ChannelGap.id.desc())
        .limit(GAPS_SHOWN)
    ).all()
    for gap in gaps:
        rows[gap.channel].gaps.append(gap)
    return list(rows.values())


@router.get("/channels")
def channels(
    request: Request,
    user: m.User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    """Channel health: last success, failures, last error, and stretches that may be missing."""
    return render(request, "channels.html", {"channels": load_channel_health(session)})
