"""The negative and positive lines of VADER's compound score: one rule, inclusive."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Float, MetaData, Table, create_engine, select

from monitor.scoring.thresholds import (
    NEGATIVE,
    POSITIVE,
    is_negative,
    is_positive,
    negative_where,
)


@pytest.mark.parametrize(
    ("compound", "negative", "positive"),
    [
        (-1.0, True, False),
        (-0.0501, True, False),
        (-0.05, True, False),  # the boundary itself counts
        (-0.0499, False, False),
        (0.0, False, False),
        (0.0499, False, False),
        (0.05, False, True),
        (1.0, False, True),
    ],
)
def test_the_lines_are_inclusive(compound: float, negative: bool, positive: bool) -> None:
    assert is_negative(compound) is negative
    assert is_positive(compound) is positive


def test_the_sql_condition_draws_the_same_line() -> None:
    table = Table("t", MetaData(), Column("sentiment", Float))
    values = [-1.0, -0.0501, NEGATIVE, -0.0499, 0.0, POSITIVE]
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"sentiment": v} for v in values])
        found = conn.scalars(select(table.c.sentiment).where(negative_where(table.c.sentiment)))
        assert sorted(found) == sorted(v for v in values if is_negative(v))
