"""Spam and promotions mention the brand but are never flagged, and say why."""

from __future__ import annotations

import pytest

from monitor.scoring import score_text
from monitor.scoring.passes import spam_phrase

SPAM = [
    ("I made $5,000 this week from home, ask me how 💸 #kettlebird", "i made $5,000"),
    ("[PRESS RELEASE] Global Electric Kettle Market to reach $9bn by 2030", "press release"),
    ("win free bitcoin kettlebird 🎉🎉 retweet and tag 3 friends, winners DM'd", "free bitcoin"),
    ("CONGRATS you have been selected for a reward, verify your account at x.example", "selected"),
    ("Electric kettle market size, share and forecast 2024-2030, CAGR 6%", "market size"),
    ("Buy 10k real followers cheap, link in bio", "followers"),
]

NOT_SPAM = [
    "I paid $50 for this kettle and it broke after a week, I want my money back",
    "is the promo code from your newsletter still valid?",
    "won a free kettle at the school raffle, love it",
    "my order never arrived",
]


@pytest.mark.parametrize(("text", "part"), SPAM)
def test_spam_is_not_flagged_and_the_reason_names_the_phrase(text, part):
    score = score_text(text, followers=30_000, likes=100, replies=30)
    assert not score.flagged and not score.complaint
    assert score.severity == "none"
    assert len(score.reasons) == 1 and score.reasons[0].startswith("looks like spam: '")
    assert part in score.reasons[0]


@pytest.mark.parametrize("text", NOT_SPAM)
def test_customers_talking_about_money_and_prizes_are_not_spam(text):
    assert spam_phrase(text.lower()) == ""


def test_a_customer_reporting_a_scam_in_the_brands_name_is_still_a_complaint():
    score = score_text("got 'you have been selected' texts in your name and they took my money")
    assert score.flagged
