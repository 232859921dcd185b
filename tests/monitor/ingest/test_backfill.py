"""Backfilling an export: resumable after Ctrl-C or a crash, nothing twice, history kept quiet."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.backfill import ImportProgress, import_file, import_key
from monitor.ingest.pipeline import Pipeline
from monitor.settings import Settings
from monitor.storage import models as m

COMPLAINT = "@kettlebird order {i} never arrived, still waiting 3 weeks"
FIRE = "@kettlebird kettle {i} caught fire and burned my hand, calling a lawyer"


def rows(count: int, authors: int = 40, age: timedelta = timedelta(hours=1)) -> list[dict]:
    when = (datetime.now(UTC) - age).isoformat()
    return [
        {"id": f"p{i}", "author": f"user{i % authors}", "text": COMPLAINT.format(i=i),
         "created_at": when}
        for i in range(count)
    ]  # fmt: skip


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["id", "author", "text", "created_at"])
            writer.writeheader()
            writer.writerows(records)
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def count(factory: sessionmaker[Session], model: Any, *where: Any) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


class CtrlC:
    """Presses Ctrl-C after `pages` pages were stored (between two pages)."""

    def __init__(self, pages: int):
        self.pages = pages

    def __call__(self, progress: ImportProgress) -> None:
        if progress.pages == self.pages:
            raise KeyboardInterrupt


@pytest.mark.parametrize("name", ["export.jsonl", "export.csv"])
def test_an_import_stopped_by_ctrl_c_continues_where_it_stopped_storing_nothing_twice(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path, name: str
) -> None:
    path = write(tmp_path / name, rows(250))
    brand = settings.brands[0]
    with pytest.raises(KeyboardInterrupt):
        import_file(settings, factory, brand, path, page_size=50, on_page=CtrlC(2))
    assert count(factory, m.Mention) == 100
    second = import_file(settings, factory, brand, path, page_size=50)
    assert (second.rows, second.new, second.duplicates) == (150, 150, 0)  # only the rest read
    assert second.resumed_at > 0 and second.position == path.stat().st_size and second.done
    assert count(factory, m.Mention) == 250
    assert count(factory, m.RecoveryCase) == 40  # one open case per author, as if in one go
    assert count(factory, m.Mention, m.Mention.case_id.is_(None)) == 0
    again = import_file(settings, factory, brand, path, page_size=50)
    assert (again.rows, again.new) == (0, 0)  # finished: nothing left to read
    with factory() as session:
        channel = session.scalars(select(m.Channel)).one()
    assert channel.key == import_key(brand.name, name) == f"Kettlebird:import:{name}"


def test_a_crash_in_the_middle_of_a_page_loses_only_that_page_and_it_is_read_again(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    path = write(tmp_path / "export.jsonl", rows(120))
    real = Pipeline.ingest_mentions
    pages = []

    def dies_on_the_third_page(self: Pipeline, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)  # the page is written, but not yet committed
        pages.append(1)
        if len(pages) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(Pipeline, "ingest_mentions", dies_on_the_third_page)
    with pytest.raises(KeyboardInterrupt):
        import_file(settings, factory, settings.brands[0], path, page_size=25)
    assert count(factory, m.Mention) == 50  # the third page rolled back with its cursor
    monkeypatch.setattr(Pipeline, "ingest_mentions", real)
    resumed = import_file(settings, factory, settings.brands[0], path, page_size=25)
    assert (resumed.rows, resumed.new, resumed.duplicates) == (70, 70, 0)
    assert count(factory, m.Mention) == 120


def test_posts_older_than_the_limit_are_stored_and_scored_but_open_no_case_nor_alert(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    old = rows(30, authors=30, age=timedelta(days=100))
    recent = rows(60, authors=30, age=timedelta(hours=2))[30:]
    for row in (*old, *recent):
        row["text"] = FIRE.format(i=row["id"])  # severe: each would open a case and alert
    path = write(tmp_path / "history.jsonl", [*old, *recent])
    done = import_file(
        settings, factory, settings.brands[0], path, no_cases_older_than=timedelta(days=30)
    )
    assert (done.new, done.flagged, done.opened) == (60, 60, 30)
    with factory() as session:
        in_cases = set(
            session.scalars(select(m.Mention.external_id).where(m.Mention.case_id.is_not(None)))
        )
        alerts = session.scalars(select(m.Alert.case_id)).all()
    assert in_cases == {r["id"] for r in recent}
    assert len(alerts) == len(set(alerts)) == 30  # one per recent case, none for history
