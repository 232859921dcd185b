"""The batch path stores a page exactly as storing its mentions one at a time (the row path) does.

Same mentions and scores, same cases (who, first mention, severity, SLA), same case events, same
alerts, same win-back; whether the page goes in one batch, one mention a page, or through the
row-by-row fallback a refused row forces. On SQLite and, with `--db postgres`, PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import IngestReport, Pipeline
from monitor.mention import Mention
from monitor.settings import Settings
from monitor.sources.base import PollResult
from monitor.storage import models as m

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
KEY = "Kettlebird:replay:test"

COMPLAINT = "@kettlebird my order never arrived, still waiting 3 weeks"
WORSE = "@kettlebird the kettle caught fire and burned my hand, I am calling a lawyer"
PRAISE = "love my new kettlebird kettle, thank you"
NEUTRAL = "picked up a kettlebird kettle at the store today"

# Before the page: ann has an open case; zed's case was answered, then closed last week.
HISTORY = [("h1", "ann", COMPLAINT, 300), ("h2", "zed", COMPLAINT, 300)]
# The page: a new complainer who escalates (bob), ann joining her open case and escalating it,
# zed speaking again (win-back of the closed case) then complaining anew, a happy customer,
# posts with nobody as author (each its own case), a duplicate within the page.
PAGE = [
    ("p1", "bob", COMPLAINT, 60),
    ("p2", "ann", WORSE, 55),
    ("p3", "zed", PRAISE, 50),
    ("p4", "bob", WORSE, 45),
    ("p5", "cat", PRAISE, 40),
    ("p6", "", COMPLAINT, 35),
    ("p7", "[deleted]", WORSE, 30),
    ("p8", "zed", COMPLAINT, 25),
    ("p9", "bob", NEUTRAL, 20),
    ("p1", "bob", COMPLAINT, 60),
]


def mentions(rows: list[tuple[str, str, str, int]]) -> list[Mention]:
    return [
        Mention("x", ident, text_, author, author, created_at=NOW - timedelta(minutes=age))
        for ident, author, text_, age in rows
    ]


def store(settings: Settings, factory: sessionmaker[Session], page: list[Mention]) -> IngestReport:
    pipeline = Pipeline(settings, factory, clock=lambda: NOW)
    return pipeline.store_page(settings.brands[0], KEY, PollResult(page, {}))


def with_history(settings: Settings, factory: sessionmaker[Session]) -> None:
    """Store the history, then answer and close zed's case (two days ago)."""
    store(settings, factory, mentions(HISTORY))
    with factory() as session, session.begin():
        zed = session.scalars(select(m.Author.id).where(m.Author.external_id == "zed")).one()
        session.execute(
            update(m.RecoveryCase)
            .where(m.RecoveryCase.author_id == zed)
            .values(status="closed", first_response_at=NOW - timedelta(hours=4),
                    closed_at=NOW - timedelta(days=2))
        )  # fmt: skip


def snapshot(factory: sessionmaker[Session]) -> dict[str, Any]:
    """What was stored, with database ids replaced by the posts' own ids (they may differ)."""
    with factory() as session:
        ext = dict(session.execute(select(m.Mention.id, m.Mention.external_id)).all())
        author = dict(session.execute(select(m.Author.id, m.Author.external_id)).all())
        cases = session.scalars(select(m.RecoveryCase)).all()
        first = {c.id: ext[c.first_mention_id] for c in cases}
        stored = {
            x.external_id: (x.sentiment, x.severity, x.flagged, first.get(x.case_id or 0))
            for x in session.scalars(select(m.Mention))
        }
        case_rows = sorted(
            (author[c.author_id], first[c.id], c.status, c.severity, c.severity_rank, c.category,
             c.sla_due_at - c.opened_at, c.complaint_sentiment, c.later_sentiment, c.win_back)
            for c in cases
        )  # fmt: skip
        events = sorted(
            (first[e.case_id], e.kind, e.note,
             sorted((k, ext[v] if k == "mention_id" else v) for k, v in e.data.items()))
            for e in session.scalars(select(m.CaseEvent))
        )  # fmt: skip
        alerts = sorted(
            (a.kind, a.level, first[a.case_id] if a.case_id else None)
            for a in session.scalars(select(m.Alert))
        )
    return {"mentions": stored, "cases": case_rows, "events": events, "alerts": alerts}


def counts(report: IngestReport) -> tuple[int, int, int, int, int]:
    return (report.new, report.duplicates, report.flagged, len(report.cases_opened),
            len(report.cases_attached))  # fmt: skip


def test_one_page_in_a_batch_stores_what_one_mention_a_page_stores(
    settings: Settings, factory: sessionmaker[Session], engine: Engine, db_backend: str
) -> None:
    with_history(settings, factory)
    report = store(settings, factory, mentions(PAGE))
    batch = snapshot(factory)
    # The page did something of every kind, so the comparison below means something.
    assert counts(report) == (9, 1, 6, 4, 4)  # new, duplicates, flagged, opened, attached
    assert {k for k, (_, _, _, case) in batch["mentions"].items() if case == "h1"} == {"h1", "p2"}
    assert [c[:4] for c in batch["cases"]] == [
        ("ann", "h1", "open", "critical"),  # escalated by p2
        ("bob", "p1", "open", "critical"),  # opened by p1, escalated by p4 within the page
        ("unknown:p6", "p6", "open", "low"),
        ("unknown:p7", "p7", "open", "critical"),
        ("zed", "h2", "closed", "low"),  # p3 joined it: no open case, closed two days ago
        ("zed", "p8", "open", "low"),
    ]
    assert batch["cases"][4][8:] == (0.3859, 0.3859)  # zed's later sentiment and win-back
    assert batch["alerts"] == [("severity", "critical", x) for x in ("h1", "p1", "p7")]

    reset(engine, db_backend)
    with_history(settings, factory)
    one_by_one = [store(settings, factory, [x]) for x in mentions(PAGE)]
    assert snapshot(factory) == batch
    assert tuple(map(sum, zip(*(counts(r) for r in one_by_one), strict=True))) == counts(report)


def reset(engine: Engine, db_backend: str) -> None:
    """Empty every table (the next ingest starts from nothing)."""
    with engine.begin() as conn:
        if db_backend == "postgres":
            names = ", ".join(t.name for t in m.Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(m.Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def refuse_poison(engine: Engine, db_backend: str) -> Iterator[None]:
    """The database refuses any mention whose text contains POISON (a trigger)."""
    with engine.begin() as conn:
        if db_backend == "postgres":
            conn.execute(text(
                "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN"
                " IF NEW.text LIKE '%POISON%' THEN RAISE EXCEPTION 'poisoned row'; END IF;"
                " RETURN NEW; END $$ LANGUAGE plpgsql"
            ))  # fmt: skip
            conn.execute(text(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON mentions"
                " FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
            ))  # fmt: skip
        else:
            conn.execute(text(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON mentions"
                " WHEN NEW.text LIKE '%POISON%' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END"
            ))  # fmt: skip
    yield
    with engine.begin() as conn:
        if db_backend == "postgres":
            conn.execute(text("DROP TRIGGER IF EXISTS refuse_poison ON mentions"))
            conn.execute(text("DROP FUNCTION IF EXISTS refuse_poison()"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS refuse_poison"))


def test_the_row_fallback_after_a_refused_row_stores_what_the_batch_would_have(
    settings: Settings, factory: sessionmaker[Session], engine: Engine, db_backend: str,
    refuse_poison: None,
) -> None:  # fmt: skip
    with_history(settings, factory)
    store(settings, factory, mentions(PAGE))
    batch = snapshot(factory)

    reset(engine, db_backend)
    with_history(settings, factory)
    poisoned = [*PAGE[:3], ("bad", "eve", "kettlebird POISON " + COMPLAINT, 47), *PAGE[3:]]
    report = store(settings, factory, mentions(poisoned))
    assert report.quarantined == 1  # the batch failed: the page went row by row
    assert snapshot(factory) == batch
    with factory() as session:
        (refused,) = session.scalars(select(m.Quarantine)).all()
    assert refused.location == f"{KEY}:bad" and "poisoned row" in refused.error
