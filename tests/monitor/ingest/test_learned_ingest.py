"""Ingest with the learned flag: a brand's `learned` setting picks the model its mentions get."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.learned.train import fit
from monitor.learned.versions import activate
from monitor.mention import Mention
from monitor.sources.base import PollResult
from monitor.storage import models as m
from tests.monitor.learned.labeled_posts import fault_post, fine_post, jargon_rows
from tests.monitor.learned.lifecycle_settings import lifecycle_settings

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
KEY = "Kettlebird:replay:test"


def page(first: int, n: int = 4) -> PollResult:
    """Alternating jargon complaints and fine posts, from different authors."""
    posts = [fault_post(i) if i % 2 == 0 else fine_post(i) for i in range(first, first + n)]
    return PollResult(
        [
            Mention(
                "x",
                f"p{first + i}",
                t,
                f"a{first + i}",
                f"a{first + i}",
                created_at=NOW - timedelta(minutes=5),
                lang="en",
            )
            for i, t in enumerate(posts)
        ],
        {},
    )


def stored(factory: sessionmaker[Session]) -> dict[str, tuple[bool, list[str]]]:
    with factory() as session:
        rows = session.execute(select(m.Mention.external_id, m.Mention.flagged, m.Mention.reasons))
        return {ident: (flagged, reasons) for ident, flagged, reasons in rows}


def add_version(factory: sessionmaker[Session], number: int, rows: list[tuple[str, int]]) -> int:
    model = fit([t for t, _ in rows], [y for _, y in rows])
    with factory() as session, session.begin():
        version = m.ModelVersion(brand="Kettlebird", version=number, model=model.to_json())
        session.add(version)
        session.flush()
        activate(session, version.id, None, NOW)
        return version.id


def pipeline(db_url: str, tmp_path: Path, factory: sessionmaker[Session], mode: str) -> Pipeline:
    return Pipeline(lifecycle_settings(db_url, tmp_path, learned=mode), factory, clock=lambda: NOW)


def test_off_keeps_the_rules_alone(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    add_version(factory, 1, jargon_rows(40))
    p = pipeline(db_url, tmp_path, factory, "off")
    p.store_page(p.settings.brands[0], KEY, page(0))
    for flagged, reasons in stored(factory).values():
        assert not flagged and not any(r.startswith("learned") for r in reasons)
    assert p.learned.loads == 0


def test_brand_scores_with_its_active_model_and_names_the_learned_terms(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    add_version(factory, 1, jargon_rows(40))
    p = pipeline(db_url, tmp_path, factory, "brand")
    report = p.store_page(p.settings.brands[0], KEY, page(100))
    rows = stored(factory)
    assert [rows[f"p{i}"][0] for i in range(100, 104)] == [True, False, True, False]
    assert len(report.cases_opened) == 2
    flagged_reasons = rows["p100"][1]
    assert "learned model: Kettlebird v1" in flagged_reasons
    terms = [r for r in flagged_reasons if r.startswith("learned: '")]
    assert terms and any(w in " ".join(terms) for w in ("amber", "e4", "blinks"))


def test_without_a_kept_version_a_brand_uses_the_shipped_model(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    p = pipeline(db_url, tmp_path, factory, "brand")
    p.store_page(p.settings.brands[0], KEY, page(0))
    for _flagged, reasons in stored(factory).values():
        assert "learned model: default" in reasons


def test_the_model_is_loaded_once_per_version_and_a_rollback_applies_on_the_next_page(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    first = add_version(factory, 1, jargon_rows(40))
    p = pipeline(db_url, tmp_path, factory, "brand")
    brand = p.settings.brands[0]
    for n in range(3):
        p.store_page(brand, KEY, page(10 * n))
    assert p.learned.loads == 1
    add_version(factory, 2, [(text, 1 - label) for text, label in jargon_rows(40)])
    p.store_page(brand, KEY, page(100))
    assert p.learned.loads == 2 and "learned model: Kettlebird v2" in stored(factory)["p100"][1]
    assert not stored(factory)["p100"][0]  # v2 learned the labels the other way round
    with factory() as session, session.begin():
        activate(session, first, None, NOW)  # roll back
    p.store_page(brand, KEY, page(200))
    assert (
        stored(factory)["p200"][0] and "learned model: Kettlebird v1" in stored(factory)["p200"][1]
    )


@pytest.mark.parametrize("mode", ["default", "brand"])
def test_a_broken_stored_model_falls_back_to_the_shipped_one(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], mode: str
) -> None:
    with factory() as session, session.begin():
        session.add(m.ModelVersion(brand="Kettlebird", version=1, status="active", model={"x": 1}))
    p = pipeline(db_url, tmp_path, factory, mode)
    p.store_page(p.settings.brands[0], KEY, page(0))
    assert all("learned model: default" in r for _f, r in stored(factory).values())
