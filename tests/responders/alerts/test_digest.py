"""The daily digest: figures from the database, mailed once per brand and day after digest_hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from responders.alerts.digest import figures, queue_digests
from responders.outbox.dispatch import process_due
from tests.conftest import make_settings
from tests.fakes.pipeline import ingest
from tests.fakes.smtp import smtp_server
from tests.responders.alerts.helpers import complaint

MORNING = datetime(2026, 11, 13, 9, 0, tzinfo=UTC)


def test_the_digest_counts_new_overdue_and_win_back_and_is_sent_once_a_day(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    with smtp_server() as server:
        base = make_settings(db_url, tmp_path)
        settings = make_settings(
            db_url,
            tmp_path,
            smtp={**base.smtp.model_dump(), "host": server.host, "port": server.port},
        )
        two_hours_ago = MORNING - timedelta(hours=2)  # past the 60-minute SLA: overdue
        report = ingest(
            settings, factory, [complaint(1, two_hours_ago), complaint(2, MORNING)], MORNING
        )
        with factory() as session, session.begin():
            won = session.get(m.RecoveryCase, report.cases_opened[1])
            won.status, won.closed_at, won.root_cause = "closed", MORNING, "carrier delay"
            won.outcome, won.later_sentiment, won.win_back = "resolved", 0.6, 1.1
        with factory() as session:
            f = figures(session, settings.brands[0], MORNING)
        assert (f.new_cases, f.overdue, f.open_cases) == (2, 1, 1)
        assert f.by_severity == {"critical": 2} and f.top_categories == [("safety", 2)]
        assert f.top_root_causes == [("carrier delay", 1)] and f.win_back_rate == 1.0
        early = MORNING.replace(hour=settings.alerts.digest_hour - 1)
        assert queue_digests(settings, factory, early) == []  # not before digest_hour
        for minutes in (0, 10, 600):  # checks all day long queue it once
            queue_digests(settings, factory, MORNING + timedelta(minutes=minutes))
        process_due(settings, factory, "w", kinds=("email",), now=MORNING + timedelta(hours=11))
        [mail] = server.wait_for(1)
    assert mail.message["Subject"] == "[Kettlebird] Daily digest 2026-11-13: 2 new, 1 overdue"
    assert "Win-back rate:  100% (1 of 1 closed in 30 days)" in mail.part("plain")
    assert "carrier delay: 1" in mail.part("plain")
