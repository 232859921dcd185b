"""An admin's choice of a brand's active learned model (a rollback or an override), audited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from monitor.learned.versions import activate, active_key
from monitor.mention import utcnow
from monitor.storage import models as m
from responders.results import Result
from responders.staff.audit import audit


def activate_version(
    session: Session, version_id: int, actor: m.User | None
) -> Result[m.ModelVersion]:
    """Make a stored version its brand's active model, retiring the one before; audited."""
    found = session.get(m.ModelVersion, version_id)
    before = found.status if found is not None else ""
    previous = active_key(session, found.brand) if found is not None else None
    version, error = activate(session, version_id, actor.id if actor else None, utcnow())
    if version is None:
        return Result.failure(error)
    audit(
        session,
        actor,
        "model.activate",
        f"model:{version.brand}:v{version.version}",
        brand=version.brand,
        version=version.version,
        previous_version=previous[1] if previous else None,
        status_before=before,  # "rejected": the admin overruled the held-back comparison
    )
    return Result.success(version)
