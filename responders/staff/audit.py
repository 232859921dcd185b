"""The audit trail: who did what to which target, appended by every staff action."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from monitor.storage import models as m


def audit(session: Session, user: m.User | None, action: str, target: str, **detail: Any) -> None:
    """Append to the audit trail."""
    session.add(
        m.AuditEntry(
            user_id=user.id if user else None,
            actor=user.username if user else "system",
            action=action,
            target=target,
            detail=detail,
        )
    )
