"""Alert e-mails through a real SMTP server: content, escaping, retries, dedupe, quiet, cap."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.alerts.mail import in_quiet_hours, message_id, queue_alerts
from responders.outbox.dispatch import process_due
from tests.conftest import make_settings
from tests.fakes.pipeline import ingest
from tests.fakes.smtp import SmtpServer, smtp_server
from tests.responders.alerts.helpers import SCRIPT, complaint

NOW = datetime(2026, 11, 13, 12, 0, tzinfo=UTC)


def settings_for(db_url: str, tmp_path: Path, server: SmtpServer, **alerts: object) -> Settings:
    base = make_settings(db_url, tmp_path)
    return make_settings(
        db_url,
        tmp_path,
        smtp={**base.smtp.model_dump(), "host": server.host, "port": server.port},
        alerts={**base.alerts.model_dump(), "recipients": ["team@kettlebird.example"], **alerts},
    )


def send_all(settings: Settings, factory: sessionmaker[Session], now: datetime) -> None:
    queue_alerts(settings, factory, now)
    process_due(settings, factory, "test-worker", now=now)


def test_a_critical_complaint_arrives_with_subject_recipients_link_and_escaped_body(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    with smtp_server() as server:
        settings = settings_for(db_url, tmp_path, server)
        report = ingest(settings, factory, [complaint(1, NOW)], NOW)
        send_all(settings, factory, NOW)
        [mail] = server.wait_for(1)
    case_id = report.cases_opened[0]
    assert mail.rcpt_tos == ["team@kettlebird.example"]
    assert mail.message["Subject"] == "[Kettlebird] CRITICAL complaint from @customer1 on x"
    assert mail.message["Message-ID"] == message_id(
        f"severity:{case_id}:critical", settings.smtp.sender
    )
    html, text = mail.part("html"), mail.part("plain")
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT in text  # plain text is shown as text by mail clients, never run
    assert f"http://127.0.0.1:8080/cases/{case_id}" in html and f"/cases/{case_id}" in text
    assert "urgency: &#39;caught fire&#39;" in html and "urgency: 'caught fire'" in text


def test_with_the_server_down_alerts_wait_in_the_outbox_and_arrive_once_it_is_back(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    server = SmtpServer()  # not started: connections are refused
    settings = settings_for(db_url, tmp_path, server)
    ingest(settings, factory, [complaint(1, NOW), complaint(2, NOW)], NOW)
    send_all(settings, factory, NOW)
    with factory() as session:
        items = session.scalars(select(m.OutboxItem)).all()
        assert [(i.state, i.attempts) for i in items] == [("pending", 1), ("pending", 1)]
        assert all("cannot reach the SMTP server" in i.last_error for i in items)
        retry_at = max(i.next_attempt_at for i in items)
    assert retry_at > NOW
    server.start()
    try:
        process_due(settings, factory, "test-worker", now=NOW + timedelta(seconds=10))
        assert server.mails() == []  # backing off: not yet
        process_due(settings, factory, "test-worker", now=retry_at)
        mails = server.wait_for(2)
    finally:
        server.stop()
    assert len(mails) == 2
    with factory() as session:
        assert {i.state for i in session.scalars(select(m.OutboxItem))} == {"sent"}


def test_repeated_polls_and_runs_send_each_alert_once(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    with smtp_server() as server:
        settings = settings_for(db_url, tmp_path, server)
        for minute in range(3):  # the same post seen by three polls
            now = NOW + timedelta(minutes=minute)
            ingest(settings, factory, [complaint(1, NOW)], now)
            send_all(settings, factory, now)
        server.wait_for(1)
        send_all(settings, factory, NOW + timedelta(minutes=5))
        assert len(server.mails()) == 1


@pytest.mark.parametrize(
    ("spec", "local", "quiet"),
    [
        ("", "03:00", False),
        ("22:00-07:00", "23:30", True),
        ("22:00-07:00", "06:59", True),
        ("22:00-07:00", "07:00", False),
        ("12:00-13:00", "12:30", True),
        ("12:00-13:00", "13:30", False),
    ],
)
def test_quiet_hours(spec: str, local: str, quiet: bool) -> None:
    hour, minute = map(int, local.split(":"))
    at = datetime(2026, 11, 13, hour, minute, tzinfo=UTC)
    assert in_quiet_hours(spec, "UTC", at) is quiet


def test_quiet_hours_follow_the_configured_timezone() -> None:
    # 21:30 UTC is 22:30 in Berlin (CET): quiet there.
    assert in_quiet_hours(
        "22:00-07:00", "Europe/Berlin", datetime(2026, 11, 13, 21, 30, tzinfo=UTC)
    )


def test_alerts_held_in_quiet_hours_are_summarised_in_the_next_message(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    night = datetime(2026, 11, 13, 23, 0, tzinfo=UTC)
    morning = datetime(2026, 11, 14, 8, 0, tzinfo=UTC)
    with smtp_server() as server:
        settings = settings_for(db_url, tmp_path, server, quiet_hours="22:00-07:00")
        ingest(settings, factory, [complaint(1, night), complaint(2, night)], night)
        send_all(settings, factory, night)
        with factory() as session:
            assert {a.state for a in session.scalars(select(m.Alert))} == {"held"}
        assert server.mails() == []
        send_all(settings, factory, morning)  # nothing new: one summary of what was held
        [mail] = server.wait_for(1)
    assert mail.message["Subject"] == "[Kettlebird] 2 alerts held during quiet hours"
    assert "@customer1" in mail.part("plain") and "@customer2" in mail.part("plain")


def test_the_hourly_cap_holds_the_rest_for_the_next_message(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    now = utcnow()  # the cap counts messages by when they were queued: the real clock
    with smtp_server() as server:
        settings = settings_for(db_url, tmp_path, server, max_per_hour=2)
        ingest(settings, factory, [complaint(n, now) for n in range(1, 5)], now)
        send_all(settings, factory, now)
        assert len(server.wait_for(2)) == 2
        with factory() as session:
            states = sorted(a.state for a in session.scalars(select(m.Alert)))
        assert states == ["held", "held", "queued", "queued"]
        later = now + timedelta(hours=1, minutes=1)
        ingest(settings, factory, [complaint(9, later)], later)
        send_all(settings, factory, later)
        mails = server.wait_for(3)
    assert "Held during quiet hours or over the hourly limit (2)" in mails[2].part("plain")
    with factory() as session:
        assert {a.state for a in session.scalars(select(m.Alert))} == {"queued"}


def test_smtp_login_is_used_when_configured(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # aiosmtpd accepts AUTH over plain TCP in tests (auth_require_tls=False); STARTTLS itself
    # needs a certificate the test would have to trust, so only the login step is exercised.
    monkeypatch.setenv("MAKEGOOD_SMTP_PASSWORD", "s3cret")
    with smtp_server(auth={"alerts": "s3cret"}) as server:
        settings = settings_for(db_url, tmp_path, server)
        smtp = {"username": "alerts", "allow_plain_login": True}  # no TLS: allowed explicitly
        settings = settings.model_copy(update={"smtp": settings.smtp.model_copy(update=smtp)})
        ingest(settings, factory, [complaint(1, NOW)], NOW)
        send_all(settings, factory, NOW)
        server.wait_for(1)
        monkeypatch.setenv("MAKEGOOD_SMTP_PASSWORD", "wrong")
        ingest(settings, factory, [complaint(2, NOW)], NOW)
        send_all(settings, factory, NOW)
    with factory() as session:
        failed = session.scalars(select(m.OutboxItem).where(m.OutboxItem.state == "pending")).one()
    assert "SMTP login refused" in failed.last_error
    assert "wrong" not in failed.last_error and "s3cret" not in failed.last_error


def test_smtp_login_without_starttls_is_refused_unless_allowed(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAKEGOOD_SMTP_PASSWORD", "s3cret")
    with smtp_server(auth={"alerts": "s3cret"}) as server:
        settings = settings_for(db_url, tmp_path, server)
        smtp = {"username": "alerts"}  # starttls and allow_plain_login stay false
        settings = settings.model_copy(update={"smtp": settings.smtp.model_copy(update=smtp)})
        ingest(settings, factory, [complaint(1, NOW)], NOW)
        send_all(settings, factory, NOW)
        assert server.mails() == []
    with factory() as session:
        item = session.scalars(select(m.OutboxItem)).one()
    assert item.state == "pending"  # retried once the config is fixed
    assert "smtp.allow_plain_login" in item.last_error and "smtp.starttls" in item.last_error
    assert "s3cret" not in item.last_error


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://x.example/customer1/status/1", True),
        ("HTTP://x.example/customer1/status/1", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<b>hi</b>", False),
        ("vbscript:msgbox(1)", False),
    ],
)
def test_the_post_url_is_a_link_only_when_it_is_http_or_https(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], url: str, linked: bool
) -> None:
    with smtp_server() as server:
        settings = settings_for(db_url, tmp_path, server)
        mention = replace(complaint(1, NOW), url=url)
        ingest(settings, factory, [mention], NOW)
        send_all(settings, factory, NOW)
        [mail] = server.wait_for(1)
    html, text = mail.part("html"), mail.part("plain")
    assert (f'<a href="{url}">View the post</a>' in html) is linked
    if not linked:
        assert "View the post" not in html
        assert f"Post: {url.replace('<', '&lt;').replace('>', '&gt;')}" in html  # shown as text
    assert f"Post: {url}" in text  # the plain-text part shows it as text either way
