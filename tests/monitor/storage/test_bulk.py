"""Bulk statements: a page of rows in a few multi-row INSERTs, stored as the ORM stores them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from monitor.storage.upsert import bulk_insert, bulk_update

WHEN = datetime(2026, 11, 20, 9, 30, 15, 123456, tzinfo=UTC)


def authors(count: int, handle: str) -> list[dict[str, object]]:
    return [{"platform": "x", "external_id": f"a{i}", "handle": handle, "followers": i}
            for i in range(count)]  # fmt: skip


def test_do_nothing_returns_only_new_rows_and_do_update_returns_every_row(
    factory: sessionmaker[Session],
) -> None:
    conflict = ("platform", "external_id")
    with factory() as session, session.begin():
        first = bulk_insert(session, m.Author.__table__, authors(1500, "old"), conflict=conflict,
                            returning=("external_id",))  # fmt: skip
        again = bulk_insert(session, m.Author.__table__, authors(1600, "new"), conflict=conflict,
                            returning=("external_id",))  # fmt: skip
        updated = bulk_insert(session, m.Author.__table__, authors(10, "upd"), conflict=conflict,
                              update=("handle",), returning=("external_id",))  # fmt: skip
    assert len(first) == 1500  # more rows than one statement carries: split, all returned
    assert sorted(x for (x,) in again) == sorted(f"a{i}" for i in range(1500, 1600))
    assert len(updated) == 10
    with factory() as session:
        handles = dict(session.execute(select(m.Author.external_id, m.Author.handle)).all())
        seen = session.scalars(select(m.Author.first_seen_at)).first()
    assert handles["a0"] == "upd" and handles["a10"] == "old" and handles["a1550"] == "new"
    assert seen is not None and seen.tzinfo is not None  # the Python default was filled in


def test_values_round_trip_through_the_column_types(factory: sessionmaker[Session]) -> None:
    row = {"brand": "B", "kind": "severity", "dedupe_key": "k1", "level": "high",
           "data": {"nested": [1, "two", None]}, "created_at": WHEN}  # fmt: skip
    with factory() as session, session.begin():
        ((alert_id,),) = bulk_insert(session, m.Alert.__table__, [row], returning=("id",))
        skipped = bulk_insert(session, m.Alert.__table__, [row], conflict=("dedupe_key",),
                              returning=("id",))  # fmt: skip
        bulk_update(session, m.Alert.__table__, ("state",), "id", [("queued", alert_id)])
    assert skipped == []
    with factory() as session:
        alert = session.get(m.Alert, alert_id)
    assert alert is not None
    assert (alert.data, alert.created_at, alert.state, alert.subject) == (
        {"nested": [1, "two", None]}, WHEN, "queued", "",
    )  # fmt: skip
