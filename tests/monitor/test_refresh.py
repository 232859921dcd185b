"""Engagement refresh: a complaint that gains traction is re-scored and its case escalates."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.refresh import Refresher, refresh_engagement
from monitor.scoring import severity_rank
from monitor.settings import Settings
from monitor.sources.replay import ReplaySource
from monitor.sources.x import XOptions, XSource, build_client
from monitor.storage import models as m
from tests.fakes.clients import RewriteAdapter
from tests.fakes.http_server import server_error, serving

PAYLOADS = Path(__file__).resolve().parents[1] / "fakes" / "payloads"
NOW = datetime(2026, 5, 2, 10, 30, tzinfo=UTC)
COMPLAINT = "1790000000000000002"  # "this Kettlebird subscription double charged me, great"


def payload() -> dict[str, Any]:
    return json.loads((PAYLOADS / "x_search_expanded.json").read_text(encoding="utf-8"))


def viral(body: dict[str, Any]) -> dict[str, Any]:
    """The complaint an hour later: thousands of likes and reposts, a big account."""
    body = copy.deepcopy(body)
    tweet = next(t for t in body["data"] if t["id"] == COMPLAINT)
    tweet["text"] = (
        "this Kettlebird subscription double charged me and support refuses a refund. Awful."
    )
    tweet["public_metrics"] = {
        "like_count": 25000,
        "reply_count": 3100,
        "retweet_count": 8000,
        "quote_count": 900,
    }
    body["data"] = [tweet]
    return body


@pytest.fixture
def source_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAKEGOOD_X_BEARER_TOKEN", "test-bearer")


def test_a_complaint_gaining_traction_escalates_its_case_and_alerts(
    source_env: None, settings: Settings, factory: sessionmaker[Session]
) -> None:
    brand = settings.brands[0]
    with serving() as server:
        options = XOptions(mentions=False)
        client = build_client(options, "Kettlebird:x:default", adapter=RewriteAdapter(server.url))
        source = XSource("Kettlebird:x:default", client, options, "kettlebird", {"kettlebird"})
        server.add_json("GET", "/2/tweets/search/recent", payload())
        pipeline = Pipeline(settings, factory, clock=lambda: NOW)
        report = pipeline.store_page(brand, source.name, source.poll({}))
        assert report.new == 2  # the quote without the brand's name does not match
        with factory() as session:
            before = session.scalars(
                select(m.Mention).where(m.Mention.external_id == COMPLAINT)
            ).one()
        assert before.refresh_until is not None  # negative: watched for a while

        server.add_json("GET", "/2/tweets", viral(payload()))
        later = NOW + timedelta(hours=1)
        result = refresh_engagement(settings, factory, {source.name: source}, later)
        asked = server.calls("/2/tweets")[0].query["ids"].split(",")
    assert COMPLAINT in asked and isinstance(source, Refresher)
    with factory() as session:
        after = session.scalars(select(m.Mention).where(m.Mention.external_id == COMPLAINT)).one()
        assert (after.likes, after.reposts) == (25000, 8900)
        assert severity_rank(after.severity) > severity_rank(before.severity)
        assert after.id in result.escalated
        assert after.case_id is not None  # the complaint was flagged on ingest
        case = session.get(m.RecoveryCase, after.case_id)
        assert case is not None and case.severity == after.severity
        assert "escalated" in [e.kind for e in case.events]
        if severity_rank(case.severity) >= severity_rank(settings.alerts.min_severity):
            keys = session.scalars(select(m.Alert.dedupe_key)).all()
            assert f"severity:{case.id}:{case.severity}" in keys
    # A second run with the same figures changes nothing more.
    with serving() as server:
        server.add_json("GET", "/2/tweets", viral(payload()))
        source.client.session.mount("https://", RewriteAdapter(server.url))
        again = refresh_engagement(settings, factory, {source.name: source}, later)
    assert again.escalated == []


def test_sources_without_refresh_and_failing_ones_are_skipped(
    source_env: None, settings: Settings, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    replay = ReplaySource("Kettlebird:replay:x", tmp_path / "none.jsonl")
    with serving() as server:
        server.add("GET", "/2/tweets", server_error(503))
        options = XOptions()
        client = build_client(options, "Kettlebird:x:default", adapter=RewriteAdapter(server.url))
        source = XSource("Kettlebird:x:default", client, options, "kettlebird", {"kettlebird"})
        with factory() as session, session.begin():
            watched = m.Mention(platform="x", external_id="1", brand="Kettlebird", text="broke",
                                channel_key=source.name, created_at=NOW,
                                refresh_until=NOW + timedelta(hours=1))  # fmt: skip
            session.add(watched)
        report = refresh_engagement(
            settings, factory, {replay.name: replay, source.name: source}, NOW
        )  # type: ignore[dict-item]
    assert report.checked == 1 and report.updated == 0
    assert report.errors and "HTTP 503 from X" in report.errors[0]


def _watched(factory: sessionmaker[Session], key: str, ids: list[str]) -> None:
    """Mentions of channel `key` inside their refresh window."""
    with factory() as session, session.begin():
        for i, external_id in enumerate(ids):  # the first expires first, so is read first
            session.add(m.Mention(platform="x", external_id=external_id, brand="Kettlebird",
                                  text="broke again", channel_key=key, created_at=NOW,
                                  refresh_until=NOW + timedelta(hours=1, minutes=i)))  # fmt: skip


@pytest.mark.parametrize(
    ("spent_cents", "asked", "spent_after"),
    [
        pytest.param(0.0, 2, 1.0, id="room-for-all: two reads at 0.5c are added to the month"),
        pytest.param(9.5, 1, 10.0, id="room-for-one: the rest waits for next month's budget"),
        pytest.param(10.0, 0, 10.0, id="no-room: X is not asked at all"),
    ],
)
def test_x_refresh_reads_count_against_the_monthly_cap(
    spent_cents: float, asked: int, spent_after: float, source_env: None, settings: Settings,
    factory: sessionmaker[Session],
) -> None:  # fmt: skip
    # Cap $0.15, one poll may cost $0.05 (10 posts): refresh may use what is above that.
    key = "Kettlebird:x:default"
    body = payload()
    body["data"] = body["data"][:2]
    ids = [t["id"] for t in body["data"]]
    with factory() as session, session.begin():
        session.add(m.Channel(key=key, brand="Kettlebird", platform="x", cursor={},
                              spend_month="2026-05", spend_cents=spent_cents))  # fmt: skip
    _watched(factory, key, ids)
    with serving() as server:
        server.add_json("GET", "/2/tweets", body)
        one = {**body, "data": body["data"][:1]}  # X returns (and bills) what was asked for
        server.add_json("GET", "/2/tweets", one, query={"ids": ids[0]})
        options = XOptions(mentions=False, max_results=10, max_pages=1, monthly_cap_usd=0.15)
        client = build_client(options, key, adapter=RewriteAdapter(server.url))
        source = XSource(key, client, options, "kettlebird", {"kettlebird"})
        refresh_engagement(settings, factory, {key: source}, NOW)
        requested = [r.query["ids"].split(",") for r in server.calls("/2/tweets")]
    assert sum(len(r) for r in requested) == asked
    with factory() as session:
        row = session.scalars(select(m.Channel).where(m.Channel.key == key)).one()
        assert (row.spend_month, row.spend_cents) == ("2026-05", pytest.approx(spent_after))
