"""SLA warnings: raised once per case at the share of its working-time SLA, mailed to the assignee
or the team, through the real pipeline, database, alert mail and SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.jobs.context import forget_contexts
from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.alerts.mail import queue_alerts
from responders.cases.sla_warnings import raise_sla_warnings, raise_warnings, warning_at
from responders.outbox.dispatch import process_due
from responders.worker.jobs import alerts_job
from tests.conftest import make_settings
from tests.fakes.config import write_config
from tests.fakes.pipeline import ingest
from tests.fakes.smtp import SmtpServer, smtp_server
from tests.responders.alerts.helpers import complaint

# Friday 13 November 2026, 16:50 in Berlin (15:50 UTC): ten working minutes before the weekend.
POSTED = datetime(2026, 11, 13, 15, 50, tzinfo=UTC)
# The critical SLA is 60 working minutes: 10 on Friday, 50 on Monday from 09:00 Berlin.
DUE = datetime(2026, 11, 16, 8, 50, tzinfo=UTC)
# 80% of it is 48 minutes: 10 on Friday, 38 on Monday.
WARN = datetime(2026, 11, 16, 8, 38, tzinfo=UTC)
OFFICE = {d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")}


def hours_settings(
    db_url: str, tmp_path: Path, server: SmtpServer | None = None, **brand: Any
) -> Settings:
    """The example brand with Berlin office hours (and mail to `server`)."""
    base = make_settings(db_url, tmp_path)
    kettlebird = {
        **base.brands[0].model_dump(),
        "hours": {"timezone": "Europe/Berlin", **OFFICE},
        **brand,
    }
    extra: dict[str, Any] = {}
    if server is not None:
        extra["smtp"] = {**base.smtp.model_dump(), "host": server.host, "port": server.port}
        extra["alerts"] = {
            **base.alerts.model_dump(),
            "recipients": ["team@kettlebird.example"],
            "max_per_hour": 1000,
        }
    return make_settings(db_url, tmp_path, brands=[kettlebird], **extra)


def subject(message: Any) -> str:
    """A mail's subject unfolded (a long header is wrapped on the wire)."""
    return " ".join(str(message["Subject"]).split())


def warnings(factory: sessionmaker[Session]) -> list[m.Alert]:
    with factory() as session:
        return list(session.scalars(select(m.Alert).where(m.Alert.kind == "sla_warning")))


def test_a_case_posted_before_the_weekend_is_due_and_warned_on_monday(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    settings = hours_settings(db_url, tmp_path)
    [case_id] = ingest(settings, factory, [complaint(1, POSTED)], POSTED).cases_opened
    with factory() as session:
        case = session.get(m.RecoveryCase, case_id)
        assert case is not None and case.sla_due_at == DUE
    # Saturday noon is 80% past on the wall clock, and nothing of the working-time SLA.
    assert raise_sla_warnings(settings, factory, datetime(2026, 11, 14, 12, tzinfo=UTC)) == []
    assert raise_sla_warnings(settings, factory, WARN - timedelta(seconds=1)) == []
    assert raise_sla_warnings(settings, factory, WARN) == [case_id]
    assert raise_sla_warnings(settings, factory, WARN + timedelta(minutes=5)) == []  # once
    [alert] = warnings(factory)
    assert (alert.case_id, alert.level, alert.state) == (case_id, "critical", "new")
    assert alert.dedupe_key == f"sla_warning:{case_id}"
    assert alert.subject == (
        f"[Kettlebird] SLA about to breach: critical case #{case_id} due 2026-11-16 08:50 UTC"
    )
    assert alert.data["share_percent"] == 80


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"first_response_at": WARN - timedelta(minutes=1)}, "answered in time"),
        ({"status": "closed"}, "closed"),
        (
            {"sla_due_at": WARN - timedelta(minutes=1)},
            "already past its SLA: overdue, not a warning",
        ),
    ],
)
def test_no_warning_for_a_case_that(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], change: dict[str, Any], why: str
) -> None:
    settings = hours_settings(db_url, tmp_path)
    [case_id] = ingest(settings, factory, [complaint(1, POSTED)], POSTED).cases_opened
    with factory() as session, session.begin():
        case = session.get(m.RecoveryCase, case_id)
        for key, value in change.items():
            setattr(case, key, value)
    assert raise_sla_warnings(settings, factory, WARN) == [], why


def test_the_share_is_the_brands(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    settings = hours_settings(db_url, tmp_path, sla_warning_share=0.5)
    [case_id] = ingest(settings, factory, [complaint(1, POSTED)], POSTED).cases_opened
    half = datetime(2026, 11, 16, 8, 20, tzinfo=UTC)  # 10 minutes Friday + 20 on Monday
    assert raise_sla_warnings(settings, factory, half - timedelta(seconds=1)) == []
    assert raise_sla_warnings(settings, factory, half) == [case_id]


def test_warning_at_without_hours_is_the_share_of_the_wall_clock() -> None:
    due = POSTED + timedelta(minutes=60)
    assert warning_at(None, POSTED, due, 0.8) == POSTED + timedelta(minutes=48)


def assign(factory: sessionmaker[Session], case_id: int, email: str) -> None:
    with factory() as session, session.begin():
        user = m.User(
            username="rob", display_name="Rob", email=email, password_hash="x", role="responder"
        )
        session.add(user)
        session.flush()
        case = session.get(m.RecoveryCase, case_id)
        assert case is not None
        case.assignee_id = user.id


def mail_warnings(settings: Settings, factory: sessionmaker[Session], now: datetime) -> None:
    with factory() as session, session.begin():
        raise_warnings(session, settings, now)
    queue_alerts(settings, factory, now)
    process_due(settings, factory, "test-worker", now=now)


@pytest.mark.parametrize(
    ("assignee_email", "to"),
    [("rob@kettlebird.example", ["rob@kettlebird.example"]), ("", ["team@kettlebird.example"])],
    ids=["to the assignee", "to the team when the assignee has no address"],
)
def test_the_warning_mail_goes_to_the_assignee_else_the_team(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], assignee_email: str, to: list[str]
) -> None:
    with smtp_server() as server:
        settings = hours_settings(db_url, tmp_path, server)
        [case_id] = ingest(settings, factory, [complaint(1, POSTED)], POSTED).cases_opened
        assign(factory, case_id, assignee_email)
        mail_warnings(settings, factory, POSTED)  # the severity alert, to the team
        mail_warnings(settings, factory, WARN)
        mail_warnings(settings, factory, WARN + timedelta(minutes=1))
        mails = server.wait_for(2)
    [warning] = [x for x in mails if "SLA about to breach" in subject(x.message)]
    assert warning.rcpt_tos == to
    text = warning.part("plain")
    assert "has used 80% of its SLA without a first response" in text
    assert "It breaches at 2026-11-16 08:50 UTC. Assigned to Rob." in text
    assert f"/cases/{case_id}" in text
    assert "&lt;script&gt;" in warning.part("html")  # the customer's text stays escaped
    assert len(server.mails()) == 2  # the warning went out once


def test_an_assignees_warning_goes_out_even_when_the_brand_has_no_team_list(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    with smtp_server() as server:
        base = hours_settings(db_url, tmp_path, server)
        settings = make_settings(
            db_url,
            tmp_path,
            smtp=base.smtp.model_dump(),
            alerts={**base.alerts.model_dump(), "recipients": []},
            brands=[base.brands[0].model_dump()],
        )
        [case_id] = ingest(settings, factory, [complaint(1, POSTED)], POSTED).cases_opened
        assign(factory, case_id, "rob@kettlebird.example")
        mail_warnings(settings, factory, WARN)
        [mail] = server.wait_for(1)
    assert mail.rcpt_tos == ["rob@kettlebird.example"]
    assert "SLA about to breach" in subject(mail.message)
    with factory() as session:  # the team's severity alert waits for a recipient list
        states = dict(session.execute(select(m.Alert.kind, m.Alert.state)).tuples().all())
    assert states == {"severity": "new", "sla_warning": "queued"}


def test_the_alerts_job_raises_and_mails_the_warning_once(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    """The worker's job, on the wall clock (a brand without hours): 50 of 60 minutes gone."""
    with smtp_server() as server:
        settings = hours_settings(db_url, tmp_path, server, hours=None)
        config = str(write_config(settings, tmp_path / "makegood.toml"))
        posted = utcnow() - timedelta(minutes=50)
        [case_id] = ingest(settings, factory, [complaint(1, posted)], posted).cases_opened
        try:
            alerts_job(config)
            alerts_job(config)
        finally:
            forget_contexts()
        mails = server.wait_for(2)
    complaint_mail, warning_mail = sorted(subject(x.message) for x in mails)
    assert complaint_mail == "[Kettlebird] CRITICAL complaint from @customer1 on x"
    assert warning_mail.startswith(f"[Kettlebird] SLA about to breach: critical case #{case_id}")
    assert len(server.mails()) == 2
    assert [a.state for a in warnings(factory)] == ["queued"]
