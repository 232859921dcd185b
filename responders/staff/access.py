"""Who may do what: the staff roles in rank order and the server-side check every action makes."""

from __future__ import annotations

from typing import Any

from monitor.storage import models as m
from responders.results import Result

ROLES = m.ROLES  # viewer < responder < approver < admin
VIEWER, RESPONDER, APPROVER, ADMIN = ROLES
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
CONFLICT = "someone else changed this case a moment ago; reload to see their change"


def can(user: m.User, role: str) -> bool:
    """Whether an active user has at least `role` (viewer < responder < approver < admin)."""
    return user.active and ROLE_RANK.get(user.role, -1) >= ROLE_RANK[role]


def check_allowed(
    case: m.RecoveryCase, user: m.User, role: str, expected_version: int | None
) -> Result[Any] | None:
    """A failure when `user` lacks `role` or the case moved past `expected_version`, else None."""
    if not can(user, role):
        return Result.failure(f"your role ({user.role}) may not do this; it needs {role}")
    if expected_version is not None and case.version != expected_version:
        return Result.failure(CONFLICT, conflict=True)
    return None
