"""SLA warnings: one `sla_warning` alert per case once it has used a share of its SLA unanswered.

The share (`sla_warning_share` of the brand, 80% by default) is of the case's working time from
the complaint to its due instant, so with business hours a case posted on Friday night warns on
Monday morning, not on Saturday. The alert row is deduplicated per case (`sla_warning:{id}`);
the alert mail (responders.alerts.mail) addresses it to the assignee, else the team, and any
other alert route delivers it like any other row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor import business_time
from monitor.business_time import WorkCalendar
from monitor.settings import Settings
from monitor.storage import models as m
from monitor.storage.upsert import insert_for

KIND = "sla_warning"


def dedupe_key(case_id: int) -> str:
    """The alert key of a case's SLA warning: one per case, ever."""
    return f"{KIND}:{case_id}"


def warning_at(
    calendar: WorkCalendar | None, opened_at: datetime, due_at: datetime, share: float
) -> datetime:
    """When a case posted at `opened_at` and due at `due_at` has used `share` of its SLA."""
    allowed = business_time.working_time(calendar, opened_at, due_at)
    return business_time.due(calendar, opened_at, allowed * share)


def _candidates(session: Session, now: datetime) -> list[m.RecoveryCase]:
    """Open, unanswered cases still inside their SLA that have no warning yet."""
    warned = select(m.Alert.id).where(m.Alert.case_id == m.RecoveryCase.id, m.Alert.kind == KIND)
    query = select(m.RecoveryCase).where(
        m.RecoveryCase.status != "closed",
        m.RecoveryCase.first_response_at.is_(None),
        m.RecoveryCase.sla_due_at > now,
        m.RecoveryCase.opened_at <= now,
        ~warned.exists(),
    )
    return list(session.scalars(query.order_by(m.RecoveryCase.id)))


def _assignee_name(session: Session, case: m.RecoveryCase) -> str:
    user = session.get(m.User, case.assignee_id) if case.assignee_id else None
    return (user.display_name or user.username) if user else ""


def raise_warnings(session: Session, settings: Settings, now: datetime) -> list[int]:
    """Record an sla_warning alert for each case past its share of the SLA; the case ids."""
    raised: list[int] = []
    calendars: dict[str, WorkCalendar | None] = {}
    for case in _candidates(session, now):
        brand = settings.find_brand(case.brand)
        if brand is None or case.sla_due_at is None:
            continue  # a brand no longer configured has nobody to warn
        if case.brand not in calendars:
            calendars[case.brand] = settings.calendar_for(case.brand)
        share = brand.sla_warning_share
        if now < warning_at(calendars[case.brand], case.opened_at, case.sla_due_at, share):
            continue
        due = case.sla_due_at
        assignee = _assignee_name(session, case)
        stmt = insert_for(session, m.Alert).values(
            brand=case.brand,
            kind=KIND,
            dedupe_key=dedupe_key(case.id),
            level=case.severity,
            subject=(
                f"[{case.brand}] SLA about to breach: {case.severity} case #{case.id}"
                f" due {due:%Y-%m-%d %H:%M} UTC"
            ),
            case_id=case.id,
            state="new",
            data={
                "due_at": due.isoformat(),
                "share_percent": round(share * 100),
                "assignee": assignee,
                "assignee_id": case.assignee_id,
            },
        )
        result = session.execute(stmt.on_conflict_do_nothing(index_elements=["dedupe_key"]))
        if result.rowcount:  # type: ignore[attr-defined]
            raised.append(case.id)
    return raised


def raise_sla_warnings(
    settings: Settings, factory: sessionmaker[Session], now: datetime
) -> list[int]:
    """Raise every SLA warning due at `now`, in one transaction (the worker's job body)."""
    with factory() as session, session.begin():
        return raise_warnings(session, settings, now)
