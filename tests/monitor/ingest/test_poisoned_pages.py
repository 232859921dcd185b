"""One record can never stop a page: the rest is stored, the bad one quarantined, the cursor moves.

Every test runs on SQLite and, with `--db postgres`, on PostgreSQL (which refuses NUL and lone
surrogates in text and JSON, and integers past 64 bits).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.mention import Mention
from monitor.settings import Settings
from monitor.sources.base import PollResult
from monitor.sources.replay import ReplaySource
from monitor.storage import models as m
from tests.fakes.pipeline import ingest

COMPLAINT = "@kettlebird my order never arrived, still waiting 3 weeks"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

# One hostile line each, between good ones. Each is either stored normalized or quarantined.
POISON_LINES = [
    '{"id": "big", "text": "Kettlebird ok", "likes": 99999999999999999999999999}',
    '{"id": "nan", "text": "Kettlebird ok", "weight": NaN, "extra": -Infinity}',
    '{"id": "old", "text": "Kettlebird ok", "created_at": "0001-01-01T00:00:00+23:59"}',
    '{"id": "far", "text": "Kettlebird ok", "created_at": 1e300}',
    '{"id": "deep", "text": "Kettlebird ok", "raw": ' + "[" * 3000 + "]" * 3000 + "}",
    '{"id": "sur", "text": "Kettlebird \\ud800 lone", "author": "\\udfff"}',
    '{"id": "nul", "text": "Kettlebird \\u0000 nul", "note": "a\\u0000b"}',
    '["Kettlebird", "not an object"]',
    '{"id": "types", "text": ["Kettlebird"]}',
    '{"id": "   ", "text": "Kettlebird blank id"}',
    '{"id": "' + "x" * 500 + '", "text": "Kettlebird long id"}',
    '{"id": "huge-id-number", "text": "Kettlebird", "author_followers": 1e400}',
]


def count(factory: sessionmaker[Session], model: Any, *where: Any) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def good(i: int) -> str:
    return json.dumps({"id": f"good-{i}", "author": f"user{i}", "text": f"Kettlebird post {i}"})


def test_a_page_full_of_hostile_records_stores_the_good_ones_and_moves_the_cursor(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "stream.jsonl"
    lines = [good(0), *POISON_LINES, good(1)]
    # A BOM on the first line and a byte that is not UTF-8 on another.
    path.write_bytes(
        b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8") + b"\n"
        + b'{"id": "latin", "text": "Kettlebird caf\xe9"}\n'
        + good(2).encode() + b"\n"
    )  # fmt: skip
    source = ReplaySource("Kettlebird:replay:poison", path, page_size=100)
    brand = settings.brands[0]
    report = Pipeline(settings, factory).poll_channel(brand, brand.channels[0], source, force=True)
    assert report.error == ""
    with factory() as session:
        stored = {x.external_id: x for x in session.scalars(select(m.Mention))}
        quarantined = session.scalars(select(m.Quarantine).order_by(m.Quarantine.id)).all()
        channel = session.scalars(select(m.Channel).where(m.Channel.key == source.name)).one()
    assert {"good-0", "good-1", "good-2"} <= set(stored)
    # Stored normalized, each change noted in raw.
    assert stored["big"].likes == 2**63 - 1 and "_normalized" in stored["big"].raw
    assert stored["nan"].raw["weight"] is None and stored["nan"].raw["extra"] is None
    assert stored["old"].created_at is not None and stored["far"].created_at is not None
    assert "\ufffd" in stored["sur"].text and "\x00" not in stored["nul"].text
    assert stored["nul"].raw["note"] == "ab"
    assert stored["huge-id-number"].author_followers == 2**63 - 1
    long_ids = [k for k in stored if k.startswith("xxx")]
    assert len(long_ids) == 1 and len(long_ids[0]) == 200
    # Quarantined with location and reason.
    reasons = {q.location.rsplit(":", 1)[-1]: q.error for q in quarantined}
    assert "expected a JSON object" in reasons["9"]
    assert "field 'text' is not a string" in reasons["10"]
    assert "nested too deeply" in reasons["6"]
    assert "not UTF-8" in reasons[str(len(lines) + 1)]
    assert len(stored) + len(quarantined) == len(lines) + 2
    # The cursor moved past everything: the next poll finds nothing new.
    assert channel.cursor["line"] == len(lines) + 2
    again = Pipeline(settings, factory).poll_channel(brand, brand.channels[0], source, force=True)
    assert again.fetched == 0 and again.quarantined == 0


@pytest.fixture
def refuse_poison(engine: Engine, db_backend: str) -> Iterator[None]:
    """The database itself refuses any mention whose text contains POISON (a trigger)."""
    with engine.begin() as conn:
        if db_backend == "postgres":
            conn.execute(
                text(
                    "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN"
                    " IF NEW.text LIKE '%POISON%' THEN RAISE EXCEPTION 'poisoned row'; END IF;"
                    " RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER refuse_poison BEFORE INSERT ON mentions"
                    " FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE TRIGGER refuse_poison BEFORE INSERT ON mentions"
                    " WHEN NEW.text LIKE '%POISON%'"
                    " BEGIN SELECT RAISE(ABORT, 'poisoned row'); END"
                )
            )
    yield
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS refuse_poison ON mentions" if db_backend ==
                          "postgres" else "DROP TRIGGER IF EXISTS refuse_poison"))  # fmt: skip
        if db_backend == "postgres":
            conn.execute(text("DROP FUNCTION IF EXISTS refuse_poison()"))


def mention(external_id: str, text_: str, author: str = "") -> Mention:
    return Mention(
        platform="x", external_id=external_id, text=text_, author=author, author_id=author,
        created_at=NOW - timedelta(minutes=5),
    )  # fmt: skip


def test_a_row_the_database_refuses_is_quarantined_and_the_rest_of_the_page_stored(
    settings: Settings, factory: sessionmaker[Session], refuse_poison: None
) -> None:
    page = [
        mention("1", COMPLAINT, "ann"),
        mention("2", "Kettlebird POISON " + COMPLAINT, "bob"),
        mention("3", COMPLAINT, "cat"),
    ]
    report = ingest(settings, factory, page, NOW)
    assert (report.new, report.quarantined, len(report.cases_opened)) == (2, 1, 2)
    with factory() as session:
        stored = session.scalars(select(m.Mention.external_id).order_by(m.Mention.id)).all()
        (bad,) = session.scalars(select(m.Quarantine)).all()
    assert stored == ["1", "3"]
    assert bad.location.endswith(":2") and "poisoned row" in bad.error and "POISON" in bad.raw
    assert count(factory, m.RecoveryCase) == 2


class BuggySource:
    """A source with a bug: its poll raises something that is not a SourceError."""

    name = "Kettlebird:x:buggy"
    platform = "x"

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        return {}["next_token"]  # KeyError, as a real bug would


def test_an_unexpected_exception_in_a_poll_is_a_recorded_channel_failure(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    brand = settings.brands[0]
    channel = brand.channels[0].model_copy(update={"down_after_minutes": 30})
    now = [NOW]
    pipeline = Pipeline(settings, factory, clock=lambda: now[0])
    reports = []
    for _ in range(3):
        reports.append(pipeline.poll_channel(brand, channel, BuggySource()))
        now[0] += timedelta(minutes=31)
    assert all("unexpected KeyError while polling" in r.error for r in reports)
    with factory() as session:
        row = session.scalars(select(m.Channel).where(m.Channel.key == BuggySource.name)).one()
        alerts = session.scalars(select(m.Alert).where(m.Alert.kind == "channel_down")).all()
    assert row.consecutive_failures == 3 and "KeyError" in row.last_error
    assert row.next_poll_after is not None and row.next_poll_after > row.last_failure_at
    assert len(alerts) == 1


@pytest.mark.parametrize(
    ("platform", "author", "author_id"),
    [
        ("reddit", "[deleted]", "[deleted]"),
        ("x", "", ""),
        ("rss", "", ""),
        ("mastodon", "anonymous", ""),
    ],
)
def test_posts_without_a_usable_author_each_get_their_own_case(
    settings: Settings, factory: sessionmaker[Session], platform: str, author: str,
    author_id: str,
) -> None:  # fmt: skip
    when = NOW - timedelta(minutes=5)
    page = [
        Mention(platform, f"p{i}", COMPLAINT, author, author_id, created_at=when) for i in range(3)
    ]
    report = ingest(settings, factory, page, NOW)
    assert len(report.cases_opened) == 3 and not report.cases_attached
    with factory() as session:
        authors = session.scalars(select(m.Author.external_id).order_by(m.Author.id)).all()
        handles = set(session.scalars(select(m.Mention.author_handle)))
    assert authors == ["unknown:p0", "unknown:p1", "unknown:p2"]
    assert handles == {""}  # shown as "unknown author"
