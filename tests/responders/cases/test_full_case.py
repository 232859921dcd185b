"""One complaint walked through all ten recovery steps and a follow-up, and the report it makes."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from monitor.ingest.pipeline import Pipeline
from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.sources.replay import ReplaySource
from monitor.storage import models as m
from responders.cases import actions as cases
from responders.cases import lifecycle
from responders.cases.reports import load_report
from responders.cli import app, load_commands
from responders.outbox.dispatch import process_due
from tests.fakes.http_server import FakeServer
from tests.fakes.seed import add_user, open_case_from_post
from tests.responders.outbox.test_replies import PARENT, reddit  # noqa: F401 - the fixture

COMPLAINT = "@kettlebird my order never arrived, still waiting after 3 weeks. Terrible service"
PRAISE = "Kettlebird sorted it out in a day, brilliant service, thank you so much!"


def send(
    settings: Settings,
    factory: sessionmaker[Session],
    case_id: int,
    template: str,
    body: str,
) -> None:
    """Write, approve and publish one reply through the outbox."""
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        mention = session.get_one(m.Mention, case.first_mention_id)
        rita = session.get_one(m.User, 1)
        abe = session.get_one(m.User, 2)
        draft = cases.save_draft(session, case, mention, rita, template, body, submit=True).value
        assert draft is not None
        assert cases.approve_draft(session, case, draft, abe).ok
    assert [state for _, state in process_due(settings, factory, "worker")] == ["sent"]


def test_a_case_walks_all_ten_steps_and_reports_its_figures(
    settings: Settings,
    factory: sessionmaker[Session],
    tmp_path: Path,
    reddit: FakeServer,  # noqa: F811 - the fixture
    monkeypatch: object,
) -> None:
    opened = utcnow() - timedelta(minutes=30)
    case_id = open_case_from_post(
        settings, factory, tmp_path, text=COMPLAINT, platform="reddit", post_id=PARENT,
        author="ann", created_at=opened.isoformat(),
    )  # fmt: skip
    brand = settings.brands[0]
    with factory() as session, session.begin():
        rita = add_user(session, "rita", "responder")
        add_user(session, "abe", "approver")
        lifecycle.seed_root_causes(session, brand)
        assert cases.claim(session, session.get_one(m.RecoveryCase, case_id), rita, None).ok

    # acknowledge + apologize + communicate + timing: the apology goes out within the hour.
    send(settings, factory, case_id, "apology.warm", "We're sorry, Ann: this is on us.")
    # explore: the customer as an ally.
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        rita = session.get_one(m.User, 1)
        assert cases.record_step(session, case, rita, "explore", "parcel lost at the depot").ok
    # solve: the fix, which schedules the follow-up.
    send(settings, factory, case_id, "solution", "We've sent a new kettle by express today.")
    with factory() as session:
        due = session.get_one(m.RecoveryCase, case_id).follow_up_due_at
        assert due is not None and due - utcnow() > timedelta(days=brand.follow_up_days - 1)

    # follow up: the reminder comes back into the queue when it is due, once.
    later = utcnow() + timedelta(days=brand.follow_up_days, minutes=1)
    assert lifecycle.due_follow_ups(settings, factory, utcnow()) == []
    assert lifecycle.due_follow_ups(settings, factory, later) == [case_id]
    assert lifecycle.due_follow_ups(settings, factory, later) == []
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        assert case.status == "follow_up"
        rita, abe = session.get_one(m.User, 1), session.get_one(m.User, 2)
        assert lifecycle.record_follow_up(session, case, rita, "arrived, works well").ok
        # learn + compensate
        assert not lifecycle.close_case(session, case, rita, "resolved").ok  # no root cause yet
        assert lifecycle.set_root_cause(session, case, rita, "carrier delay").ok
        assert not lifecycle.add_compensation(session, case, rita, "voucher", 1500).ok
        assert lifecycle.add_compensation(session, case, abe, "voucher", 1500, "usd").ok

    # win-back: the author's next post about the brand, heard by the pipeline.
    _hear(settings, factory, tmp_path, PRAISE, (utcnow() + timedelta(minutes=1)).isoformat())

    # document: closing with the outcome.
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        rita = session.get_one(m.User, 1)
        assert lifecycle.close_case(session, case, rita, "resolved", "happy", brand).ok

    with factory() as session:
        case = session.get_one(m.RecoveryCase, case_id)
        done = lifecycle.steps_done(case)
        assert set(done) == set(m.RECOVERY_STEPS)
        assert case.status == "closed" and case.outcome == "resolved"
        assert case.later_sentiment is not None and case.later_sentiment > 0.5
        assert case.win_back is not None and case.win_back > 1.0
        assert lifecycle.won_back(case, brand.win_back_threshold)
        assert 29 <= (lifecycle.response_minutes(case) or 0) <= 32
        figures = load_report(
            session, None, utcnow() - timedelta(days=7), utcnow() + timedelta(minutes=5),
            brand.win_back_threshold, utcnow(),
        )  # fmt: skip
    assert (figures.opened, figures.responded, figures.closed) == (1, 1, 1)
    assert figures.median_response_minutes == figures.p90_response_minutes
    assert 29 <= (figures.median_response_minutes or 0) <= 32
    assert (figures.sla_hit_rate, figures.resolution_rate, figures.win_back_rate) == (1, 1, 1)
    assert figures.root_causes == [("carrier delay", 1, 0)]
    assert figures.compensation_cents == {"USD": 1500}
    assert len(reddit.calls("/api/comment", "POST")) == 2

    # The same figures leave as CSV.
    load_commands([])
    config = tmp_path / "test.toml"
    config.write_text(_toml(settings), encoding="utf-8")
    result = CliRunner().invoke(app, ["cases", "export", "-c", str(config)])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (row["id"], row["status"], row["outcome"]) == (str(case_id), "closed", "resolved")
    assert (row["sla_met"], row["won_back"], row["compensation_cents"]) == ("true", "true", "1500")
    assert row["root_cause"] == "carrier delay"


def _hear(
    settings: Settings,
    factory: sessionmaker[Session],
    tmp_path: Path,
    text: str,
    at: str,
    platform: str = "reddit",
) -> None:
    """Run a later post by the same author through the real pipeline."""
    path = tmp_path / "later.jsonl"
    record = {
        "platform": platform,
        "id": "t1_later",
        "author": "ann",
        "text": text,
        "created_at": at,
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    brand = settings.brands[0]
    Pipeline(settings, factory).poll_channel(
        brand, brand.channels[0], ReplaySource("seed:later", path), force=True
    )


def _toml(settings: Settings) -> str:
    """A minimal configuration file for the CLI on the test database."""
    return (
        f'[storage]\nurl = "{settings.storage.url}"\n\n[[brands]]\nname = "Kettlebird"\n'
        'keywords = ["kettlebird"]\n'
    )
