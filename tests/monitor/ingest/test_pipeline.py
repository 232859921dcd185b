"""The ingest pipeline: poll, match, dedupe, score, store, open cases — idempotently."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.retry import MAX_WAIT_SECONDS
from monitor.settings import Settings
from monitor.sources.base import PollResult, SourceError
from monitor.sources.replay import ReplaySource
from monitor.storage import models as m

BRAND_POSTS = [
    {
        "id": "1",
        "author": "ann",
        "text": "@kettlebird my order never arrived, still waiting 3 weeks",
    },
    {"id": "2", "author": "bob", "text": "Love my new Kettlebird kettle, brews fast"},
    {"id": "3", "author": "cat", "text": "nothing to do with any brand at all"},
    {"id": "4", "author": "ann", "text": "@kettlebird still no reply, I want a refund now"},
    {"id": "5", "author": "dan", "text": "drinks at the kettlebird pub tonight were awful"},
    {"id": "6", "author": "eve", "text": "Kettlebird base sparked and caught fire, burned my hand"},
]


def write_stream(path: Path, records: list[dict[str, Any]]) -> Path:
    with path.open("a", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps({"platform": "x", **record}) + "\n")
    return path


def count(factory: sessionmaker[Session], model: Any, *where: Any) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def drain(pipeline: Pipeline, settings: Settings, source: Any) -> None:
    brand = settings.brands[0]
    channel = brand.channels[0]
    for _ in range(100):
        report = pipeline.poll_channel(brand, channel, source, force=True)
        assert not report.error
        if report.exhausted:
            return


@pytest.fixture
def stream(tmp_path: Path) -> Path:
    return write_stream(tmp_path / "stream.jsonl", BRAND_POSTS)


def test_matched_mentions_are_stored_scored_and_flagged_into_cases(
    settings: Settings, factory: sessionmaker[Session], stream: Path
) -> None:
    drain(Pipeline(settings, factory), settings, ReplaySource("t", stream, page_size=2))
    with factory() as session:
        stored = {x.external_id: x for x in session.scalars(select(m.Mention))}
        cases = session.scalars(select(m.RecoveryCase).order_by(m.RecoveryCase.id)).all()
    # "3" names no brand and "5" is about the excluded pub: neither is stored.
    assert sorted(stored) == ["1", "2", "4", "6"]
    assert stored["1"].flagged and stored["1"].reasons and stored["1"].category == "delivery"
    assert not stored["2"].flagged
    # One open case per author and brand: ann's second complaint attaches to her first case.
    assert [(c.first_mention_id, c.status) for c in cases] == [
        (stored["1"].id, "open"),
        (stored["6"].id, "open"),
    ]
    assert stored["4"].case_id == stored["1"].case_id == cases[0].id
    assert cases[1].severity in ("high", "critical")
    assert cases[0].sla_due_at is not None and cases[0].sla_due_at > cases[0].opened_at


def test_running_twice_over_the_same_input_changes_nothing(
    settings: Settings, factory: sessionmaker[Session], stream: Path
) -> None:
    pipeline = Pipeline(settings, factory)
    drain(pipeline, settings, ReplaySource("t", stream, page_size=2))
    before = [count(factory, t) for t in (m.Mention, m.RecoveryCase, m.CaseEvent, m.Alert)]
    # A new source with no cursor re-reads everything: dedupe must hold.
    again = ReplaySource("t2", stream, page_size=10)
    report = Pipeline(settings, factory).poll_channel(
        settings.brands[0], settings.brands[0].channels[0], again, force=True
    )
    assert report.new == 0 and report.duplicates == 4
    after = [count(factory, t) for t in (m.Mention, m.RecoveryCase, m.CaseEvent, m.Alert)]
    assert after == before


def test_a_severe_case_raises_one_alert_however_often_it_is_seen(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = write_stream(tmp_path / "s.jsonl", [BRAND_POSTS[5]])
    pipeline = Pipeline(settings, factory)
    drain(pipeline, settings, ReplaySource("t", path))
    write_stream(path, [{"id": "7", "author": "eve", "text": "Kettlebird fire again, lawsuit"}])
    drain(pipeline, settings, ReplaySource("t", path))
    with factory() as session:
        alerts = session.scalars(select(m.Alert)).all()
    assert len({a.dedupe_key for a in alerts}) == len(alerts) >= 1
    assert all(a.kind == "severity" for a in alerts)


class CrashingSource(ReplaySource):
    """Fails between fetching and committing, like a worker killed mid-page."""

    crash_on_store = True


def test_a_crash_between_fetch_and_commit_refetches_instead_of_skipping(
    settings: Settings,
    factory: sessionmaker[Session],
    stream: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pipeline = Pipeline(settings, factory)
    brand, channel = settings.brands[0], settings.brands[0].channels[0]
    source = ReplaySource("t", stream, page_size=3)
    real = pipeline.ingest_mentions

    def explode(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        # The process dies (SIGTERM, kill): not an error a row or a channel can be blamed for.
        raise SystemExit("killed")

    monkeypatch.setattr(pipeline, "ingest_mentions", explode)
    with pytest.raises(SystemExit):
        pipeline.poll_channel(brand, channel, source, force=True)
    assert count(factory, m.Mention) == 0  # rolled back, cursor not moved
    monkeypatch.setattr(pipeline, "ingest_mentions", real)
    drain(pipeline, settings, source)
    assert count(factory, m.Mention) == 4


def test_rejected_rows_are_quarantined_with_their_raw_payload(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "1", "text": "Kettlebird is fine"}\n{"id": 2, "tex\n{"id": "3"}\n')
    drain(Pipeline(settings, factory), settings, ReplaySource("t", path))
    with factory() as session:
        rows = session.scalars(select(m.Quarantine).order_by(m.Quarantine.id)).all()
    assert [(r.location, r.raw.strip()) for r in rows] == [
        ("s.jsonl:2", '{"id": 2, "tex'),
        ("s.jsonl:3", '{"id": "3"}'),
    ]
    assert "malformed JSON" in rows[0].error and "'text' is missing" in rows[1].error


class FailingSource:
    """A source whose platform is down."""

    name = "Kettlebird:x:broken"
    platform = "x"

    def __init__(self) -> None:
        self.calls = 0

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        self.calls += 1
        raise SourceError("HTTP 503 from api.x.example", retry_after=120)


def test_a_failing_channel_backs_off_records_health_and_raises_channel_down(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    brand = settings.brands[0]
    channel = brand.channels[0].model_copy(update={"down_after_minutes": 30})
    source = FailingSource()
    now = [datetime(2026, 11, 20, 9, 0, tzinfo=UTC)]
    pipeline = Pipeline(settings, factory, clock=lambda: now[0])
    first = pipeline.poll_channel(brand, channel, source)
    assert "503" in first.error
    second = pipeline.poll_channel(brand, channel, source)  # inside the back-off window
    assert second.skipped and source.calls == 1
    now[0] += timedelta(minutes=31)  # still failing half an hour later: the channel is down
    pipeline.poll_channel(brand, channel, source)
    now[0] += timedelta(minutes=31)
    pipeline.poll_channel(brand, channel, source)
    with factory() as session:
        row = session.scalars(select(m.Channel).where(m.Channel.key == source.name)).one()
        alerts = session.scalars(select(m.Alert).where(m.Alert.kind == "channel_down")).all()
    assert row.consecutive_failures == 3 and "503" in row.last_error
    assert row.next_poll_after is not None and row.last_failure_at is not None
    assert (row.next_poll_after - row.last_failure_at).total_seconds() >= 120
    assert len(alerts) == 1  # one alert per outage, not one per failed poll


def test_two_workers_ingesting_the_same_stream_at_once_store_everything_once(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    authors = [f"user{i % 40}" for i in range(400)]
    records = [
        {"id": str(i), "author": a, "text": f"@kettlebird order {i} never arrived, still waiting"}
        for i, a in enumerate(authors)
    ]
    path = write_stream(tmp_path / "s.jsonl", records)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            drain(Pipeline(settings, factory), settings, ReplaySource(name, path, page_size=25))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert count(factory, m.Mention) == 400
    assert count(factory, m.RecoveryCase) == 40  # one open case per author
    assert count(factory, m.Mention, m.Mention.case_id.is_(None)) == 0


@pytest.mark.parametrize("asked", [1e12, float("inf"), float("nan"), -30.0])
def test_a_wait_a_page_asks_for_is_made_safe(
    settings: Settings, factory: sessionmaker[Session], asked: float
) -> None:
    pipeline = Pipeline(settings, factory)
    page = PollResult(mentions=[], next_cursor={"offset": 1}, retry_after=asked)
    pipeline.store_page(settings.brands[0], "kettlebird:replay:default", page)
    with factory() as session:
        channel = session.scalars(select(m.Channel)).one()
        cursor, after = channel.cursor, channel.next_poll_after
    assert cursor == {"offset": 1}
    if after is not None:  # nothing to wait for (NaN, negative) polls on schedule
        waited = after.replace(tzinfo=UTC) - channel.last_poll_at.replace(tzinfo=UTC)
        assert timedelta(0) < waited <= timedelta(seconds=MAX_WAIT_SECONDS)
