"""Categories: what the complaint is about."""

from __future__ import annotations

import pytest

from monitor.scoring import CATEGORIES, score_text
from monitor.scoring.passes import categorize

CASES = [
    ("my parcel never arrived, the courier says delivered", "delivery"),
    ("I was charged twice, where is my refund", "billing"),
    ("the blender is broken after two days, poor quality", "product quality"),
    ("45 minutes on hold and the agent was rude", "customer service"),
    ("I can't log in, the password reset link never comes", "account/access"),
    ("the charger caught fire and my son got burned", "safety"),
    ("ugh, what a terrible day", "other"),
]


@pytest.mark.parametrize(("text", "category"), CASES)
def test_category_of_a_complaint(text, category):
    assert categorize(text)[0] == category


@pytest.mark.parametrize(("text", "category"), CASES[:-1])
def test_a_flagged_post_carries_its_category_and_the_word_that_decided_it(text, category):
    score = score_text(text)
    assert score.flagged
    assert score.category == category
    assert any(r.startswith(f"category {category}:") for r in score.reasons)


def test_safety_outranks_everything_else():
    assert categorize("late delivery, refund, and the box was on fire")[0] == "safety"


def test_every_category_name_is_listed():
    assert {c for _, c in CASES} <= set(CATEGORIES)
