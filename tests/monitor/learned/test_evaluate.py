"""Judging a model on held-back labels: figures, the time-ordered split, the keep rule."""

from __future__ import annotations

import pytest

from monitor.learned.evaluate import Figures, at_least_as_good, figures, time_split


@pytest.mark.parametrize(
    ("truth", "predicted", "complaint_f1", "macro_f1"),
    [
        ([1, 0, 1, 0], [1, 0, 1, 0], 1.0, 1.0),  # all right
        ([1, 0, 1, 0], [0, 1, 0, 1], 0.0, 0.0),  # all wrong
        ([1, 0, 1, 0], [1, 1, 1, 1], 2 / 3, 1 / 3),  # flag everything: the macro figure says so
        ([1, 0, 1, 0], [0, 0, 0, 0], 0.0, 1 / 3),  # flag nothing
        ([1, 1, 0, 0], [1, 0, 0, 0], 2 / 3, (2 / 3 + 0.8) / 2),  # half the complaints found
    ],
)
def test_figures(
    truth: list[int], predicted: list[int], complaint_f1: float, macro_f1: float
) -> None:
    found = figures(truth, predicted)
    assert found.complaint_f1 == pytest.approx(complaint_f1)
    assert found.macro_f1 == pytest.approx(macro_f1)
    assert (found.rows, found.positives) == (len(truth), sum(truth))


def test_figures_need_one_prediction_per_label() -> None:
    with pytest.raises(ValueError, match="3 labels but 2 predictions"):
        figures([1, 0, 1], [1, 0])


@pytest.mark.parametrize(
    ("n", "share", "held"),
    [(10, 0.2, 2), (11, 0.2, 3), (2, 0.2, 1), (3, 0.5, 2), (100, 0.05, 5)],
)
def test_the_latest_share_is_held_back(n: int, share: float, held: int) -> None:
    train, back = time_split(list(range(n)), share)
    assert back == list(range(n - held, n)) and train == list(range(n - held))


def test_a_split_needs_two_rows() -> None:
    with pytest.raises(ValueError):
        time_split([1], 0.2)


def _f(macro: float, complaint: float) -> Figures:
    return Figures(10, 5, 0.5, 0.5, complaint, 0.5, macro)


@pytest.mark.parametrize(
    ("candidate", "current", "kept"),
    [
        (_f(0.8, 0.7), _f(0.8, 0.7), True),  # a tie keeps the newer model
        (_f(0.81, 0.71), _f(0.8, 0.7), True),
        (_f(0.85, 0.69), _f(0.8, 0.7), False),  # better macro, fewer complaints found: no
        (_f(0.79, 0.75), _f(0.8, 0.7), False),
    ],
)
def test_a_model_is_kept_only_if_not_worse_on_both_figures(
    candidate: Figures, current: Figures, kept: bool
) -> None:
    assert at_least_as_good(candidate, current) is kept
