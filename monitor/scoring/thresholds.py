"""Where VADER's compound score turns negative or positive: one constant each, one comparison.

VADER's authors draw the lines at +-0.05 ("compound <= -0.05: negative"); every part of makegood
that asks "was this post negative?" (flagging, severity, refresh, the spike watch, the dashboard,
win-back) asks `is_negative` (or `negative_where` inside a query), so the boundary is the same
everywhere and inclusive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the hint: the scoring core itself never touches a database
    from sqlalchemy.sql.elements import ColumnElement

NEGATIVE = -0.05  # a compound at or below this is negative
POSITIVE = 0.05  # a compound at or above this is positive


def is_negative(compound: float) -> bool:
    """Whether a VADER compound score counts as negative (at or below NEGATIVE)."""
    return compound <= NEGATIVE


def is_positive(compound: float) -> bool:
    """Whether a VADER compound score counts as positive (at or above POSITIVE)."""
    return compound >= POSITIVE


def negative_where(column: ColumnElement[float]) -> ColumnElement[bool]:
    """`is_negative` as a SQL condition on a sentiment column (same inclusive boundary)."""
    return column <= NEGATIVE
