"""Staff labels written straight into mention_labels (the staff buttons are another module's).

The posts are a brand's own jargon: faults named by codes and lights that carry no sentiment
word, so neither the rules nor the shipped model know them and only a model trained on the
brand's labels can learn them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DEVICES = ("kettle", "grinder", "brewer", "frother", "carafe")
FINE = (
    "sits next to the toaster",
    "came with the blue lid",
    "is the one my sister picked",
    "goes with the new shelf",
    "was on the counter this morning",
)


def fault_post(i: int, code: str = "blinks amber code e4") -> str:
    """A complaint in the brand's jargon: no sentiment word, only the fault's name."""
    return f"my kettlebird {DEVICES[i % len(DEVICES)]} {code} again, order {1000 + i}"


def fine_post(i: int) -> str:
    """A plain post about the brand that is not a complaint."""
    return f"my kettlebird {DEVICES[i % len(DEVICES)]} {FINE[i % len(FINE)]}, order {1000 + i}"


def jargon_rows(
    n: int, code: str = "blinks amber code e4", first: int = 0
) -> list[tuple[str, int]]:
    """`n` labeled posts, complaints and not alternating, numbered from `first`."""
    return [
        (fault_post(i, code), 1) if i % 2 == 0 else (fine_post(i), 0)
        for i in range(first, first + n)
    ]


def add_labels(
    factory: sessionmaker[Session],
    rows: Sequence[tuple[str, int]],
    brand: str = "Kettlebird",
    start: datetime = START,
    minutes: int = 0,
) -> list[int]:
    """Store a mention and its label per (text, 1|0) row, a minute apart; the label ids."""
    ids = []
    with factory() as session, session.begin():
        for i, (text, label) in enumerate(rows):
            at = start + timedelta(minutes=minutes + i)
            mention = m.Mention(
                platform="x",
                external_id=f"{brand}-{minutes + i}-{abs(hash(text)) % 10**9}",
                brand=brand,
                text=text,
                created_at=at,
                lang="en",
            )
            session.add(mention)
            session.flush()
            row = m.MentionLabel(
                mention_id=mention.id,
                brand=brand,
                label="complaint" if label else "not_complaint",
                reason="missed" if label else "not_negative",
                created_at=at,
            )
            session.add(row)
            session.flush()
            ids.append(row.id)
    return ids
