"""Report figures from case rows: a pure computation, checked case by case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from responders.cases.reports import (
    CaseRow,
    CompensationRow,
    compute_report,
    percentile,
    report_csv,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)
END = T0 + timedelta(days=7)


def case(
    minutes: float | None,
    sla: int = 60,
    status: str = "responded",
    outcome: str = "",
    cause: str = "",
    win_back: float | None = None,
    later: float | None = None,
    day: int = 1,
) -> CaseRow:
    """A case opened on `day` of the period, answered after `minutes` (None: not yet)."""
    opened = T0 + timedelta(days=day)
    first = None if minutes is None else opened + timedelta(minutes=minutes)
    return CaseRow(
        1, opened, opened + timedelta(minutes=sla), first, status, outcome, cause, win_back, later
    )


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [([], 50, None), ([5.0], 90, 5.0), ([1, 2, 3, 4], 50, 2.5), (list(range(1, 11)), 90, 9.1)],
)
def test_percentiles_interpolate(values: list[float], q: float, expected: float | None) -> None:
    assert percentile([float(v) for v in values], q) == expected


@pytest.mark.parametrize(
    ("rows", "field", "expected"),
    [
        ([case(10), case(30), case(90)], "median_response_minutes", 30.0),
        ([case(10), case(30), case(90)], "sla_hit_rate", round(2 / 3, 4)),
        ([case(None, sla=60)], "sla_hit_rate", 0.0),  # unanswered and the clock ran out: a miss
        ([case(None, sla=60 * 24 * 30)], "sla_hit_rate", None),  # still time left: not judged
        (
            [case(5, status="closed", outcome="resolved"),
             case(5, status="closed", outcome="unresolved"),
             case(5, status="closed", outcome="spam")],
            "resolution_rate",
            0.5,  # spam is not counted
        ),
        ([case(5, win_back=1.2, later=0.6), case(5, win_back=0.2, later=-0.3), case(5)],
         "win_back_rate", 0.5),
        ([case(5, day=-3)], "opened", 0),  # the previous period is only for the trend
    ],
)  # fmt: skip
def test_figures(rows: list[CaseRow], field: str, expected: object) -> None:
    report = compute_report(rows, [], T0, END, 0.5, END + timedelta(days=1))
    assert getattr(report, field) == expected


def test_root_causes_trend_against_the_previous_period_and_compensation_adds_up() -> None:
    rows = [
        case(5, cause="carrier delay"),
        case(5, cause="carrier delay"),
        case(5, cause="billing error"),
        case(5, cause="billing error", day=-2),
        case(5, cause="product defect", day=-4),
    ]
    comps = [
        CompensationRow(1500, "USD", T0 + timedelta(days=1)),
        CompensationRow(500, "USD", T0 + timedelta(days=2)),
        CompensationRow(999, "EUR", T0 - timedelta(days=1)),  # before the period
    ]
    report = compute_report(rows, comps, T0, END, 0.5, END)
    assert report.root_causes == [
        ("carrier delay", 2, 0),
        ("billing error", 1, 1),
        ("product defect", 0, 1),
    ]
    assert report.compensation_cents == {"USD": 2000}
    text = report_csv(report)
    assert "compensation_USD,20.00" in text
    assert "root_cause:billing error,1 (previous period 1)" in text
