"""Seeding for bench/web_latency.py: many cases bulk-inserted (executemany) and one staff login."""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from monitor.storage import models as m
from monitor.storage.engine import make_engine, make_sessionmaker, upgrade

PASSWORD = "bench password 123"
STATUSES = ["open"] * 4 + ["awaiting_approval"] + ["closed"] * 4 + ["responded"]
SEVERITIES = ["low", "medium", "high", "critical"]
PLATFORMS = ["x", "reddit", "mastodon", "bluesky"]
CATEGORIES = ["delivery", "billing", "product quality", "customer service"]
CHUNK = 5000


def seed(url: str, cases: int) -> None:
    """Insert `cases` authors, mentions and cases (ids line up: author i, mention i, case i)."""
    engine = make_engine(url)
    upgrade(engine)
    rng = random.Random(42)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with engine.begin() as conn:
        for start in range(1, cases + 1, CHUNK):
            ids = range(start, min(start + CHUNK, cases + 1))
            authors, mentions, rows = [], [], []
            for i in ids:
                platform = PLATFORMS[i % 4]
                opened = now - timedelta(minutes=rng.randint(1, 60 * 24 * 30))
                severity = rng.choice(SEVERITIES)
                status = rng.choice(STATUSES)
                authors.append(
                    {
                        "id": i,
                        "platform": platform,
                        "external_id": f"a{i}",
                        "handle": f"user{i}",
                        "followers": rng.randint(0, 50_000),
                    }
                )
                mentions.append(
                    {
                        "id": i,
                        "platform": platform,
                        "external_id": f"p{i}",
                        "brand": "Kettlebird",
                        "channel_key": "bench",
                        "author_id": i,
                        "author_handle": f"user{i}",
                        "text": f"@kettlebird order {i} is late again and nobody answers",
                        "url": f"https://{platform}.example/p/{i}",
                        "created_at": opened,
                        "fetched_at": opened,
                        "raw": {},
                        "reasons": ["negative sentiment"],
                        "sentiment": -0.6,
                        "complaint": True,
                        "category": CATEGORIES[i % 4],
                        "severity": severity,
                        "flagged": True,
                        "reply_allowed": True,
                    }
                )
                rows.append(
                    {
                        "id": i,
                        "brand": "Kettlebird",
                        "platform": platform,
                        "author_id": i,
                        "first_mention_id": i,
                        "status": status,
                        "severity": severity,
                        "severity_rank": SEVERITIES.index(severity) + 1,
                        "category": CATEGORIES[i % 4],
                        "opened_at": opened,
                        "sla_due_at": opened + timedelta(minutes=60),
                        "updated_at": opened,
                        "version": 1,
                    }
                )
            conn.execute(m.Author.__table__.insert(), authors)
            conn.execute(m.Mention.__table__.insert(), mentions)
            conn.execute(m.RecoveryCase.__table__.insert(), rows)
        conn.execute(text("UPDATE mentions SET case_id = id"))
        if engine.dialect.name == "postgresql":
            for table in ("authors", "mentions", "recovery_cases"):
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {cases})")
                )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    from responders.staff.accounts import add_user

    with make_sessionmaker(engine)() as session, session.begin():
        add_user(session, "bench", PASSWORD, "approver")
    engine.dispose()
    print(f"seeded {cases:,} cases in {time.perf_counter() - started:.1f} s", file=sys.stderr)
