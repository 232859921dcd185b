"""The complaint detector on the labeled public set in ../shared/data (skipped when absent)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from monitor.scoring import score_text

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
COMPLAINTS = DATA / "complaints" / "complaints-data.csv"

pytestmark = pytest.mark.shared_data


@pytest.mark.skipif(not COMPLAINTS.is_file(), reason=f"shared data absent: {COMPLAINTS}")
def test_flagged_beats_plain_vader_on_the_complaints_set():
    tp = fp = fn = 0
    with COMPLAINTS.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            flagged, actual = score_text(row[1]).flagged, row[2].strip() == "1"
            tp += flagged and actual
            fp += flagged and not actual
            fn += actual and not flagged
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 > 0.60, (precision, recall, f1)  # plain VADER: 0.49
