"""Seeding helpers for tests: users, and a case opened by the real pipeline from one post."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.settings import Settings
from monitor.sources.replay import ReplaySource
from monitor.storage import models as m


def add_user(session: Session, username: str, role: str, active: bool = True) -> m.User:
    """A user with an unusable password hash (tests that log in set a real one)."""
    user = m.User(username=username, role=role, password_hash="!", active=active)
    session.add(user)
    session.flush()
    return user


def open_case_from_post(
    settings: Settings,
    factory: sessionmaker[Session],
    tmp_path: Path,
    text: str = "@kettlebird my order never arrived, still waiting after 3 weeks",
    platform: str = "x",
    post_id: str = "1001",
    author: str = "ann",
    **fields: object,
) -> int:
    """Run one post through the real pipeline and return the id of the case it opened."""
    path = tmp_path / f"post-{post_id}.jsonl"
    record = {"platform": platform, "id": post_id, "author": author, "text": text, **fields}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    brand = settings.brands[0]
    Pipeline(settings, factory).poll_channel(
        brand, brand.channels[0], ReplaySource(f"seed:{post_id}", path), force=True
    )
    with factory() as session:
        case_id = session.scalars(
            select(m.Mention.case_id).where(
                m.Mention.platform == platform, m.Mention.external_id == post_id
            )
        ).one()
    assert case_id is not None, f"the post was not flagged: {text!r}"
    return case_id
