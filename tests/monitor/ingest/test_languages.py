"""Ingest detects each mention's language, stores it in mentions.lang and judges it in it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.settings import Settings
from monitor.sources.replay import ReplaySource
from monitor.storage import models as m

POSTS = [
    # The platform's tag is wrong (a Mastodon account's default): the text decides.
    {"id": "1", "author": "ana", "lang": "en", "text": "@kettlebird mi pedido nunca llegó"},
    {"id": "2", "author": "ben", "lang": "", "text": "Kettlebird: Wasserkocher kaputt angekommen"},
    {"id": "3", "author": "cy", "lang": "", "text": "Love my new Kettlebird kettle, thank you"},
    {"id": "4", "author": "dee", "lang": "fr-FR", "text": "Kettlebird !"},  # too short: the tag
]


def test_each_mention_is_stored_with_its_language_and_judged_in_it(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "stream.jsonl"
    path.write_text("".join(json.dumps({"platform": "x", **p}) + "\n" for p in POSTS), "utf-8")
    pipeline = Pipeline(settings, factory)
    brand = settings.brands[0]
    report = pipeline.poll_channel(brand, brand.channels[0], ReplaySource("t", path), force=True)
    assert not report.error
    with factory() as session:
        stored = {x.external_id: x for x in session.scalars(select(m.Mention))}
    assert {k: x.lang for k, x in stored.items()} == {"1": "es", "2": "de", "3": "en", "4": "fr"}
    assert stored["1"].flagged
    assert "es complaint lexicon: 'nunca llegó'" in stored["1"].reasons
    assert "de complaint lexicon: 'kaputt angekommen'" in stored["2"].reasons
    assert not stored["3"].flagged


def test_a_case_keeps_its_first_mentions_language_for_the_queue(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "stream.jsonl"
    path.write_text("".join(json.dumps({"platform": "x", **p}) + "\n" for p in POSTS), "utf-8")
    brand = settings.brands[0]
    source = ReplaySource("t", path)
    report = Pipeline(settings, factory).poll_channel(brand, brand.channels[0], source, True)
    assert not report.error
    with factory() as session:
        cases = session.execute(
            select(m.Mention.external_id, m.RecoveryCase.lang).join(
                m.RecoveryCase, m.RecoveryCase.first_mention_id == m.Mention.id
            )
        ).all()
    assert ("1", "es") in cases and ("2", "de") in cases
    assert all(lang for _, lang in cases)
