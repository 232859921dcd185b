"""Severity: negativity x reach x engagement x urgency x direct address, with reasons."""

from __future__ import annotations

import pytest

from monitor.scoring import SEVERITIES, score_text, severity_rank

ANGRY = "My order never arrived and support ignored me. Worst service ever."


@pytest.mark.parametrize(
    ("text", "kwargs", "severity"),
    [
        ("Lovely weather today", {}, "none"),
        ("my parcel is late", {}, "low"),
        (ANGRY, {}, "medium"),
        (ANGRY, {"followers": 48_000}, "high"),
        (ANGRY, {"followers": 480_000, "likes": 900, "reposts": 300}, "critical"),
        ("I'm calling my lawyer, this is a scam and I want a refund", {}, "high"),
        # Fire is a harm family with a critical floor (monitor.scoring.harm).
        ("The heater caught fire in my kid's room", {"followers": 2_000}, "critical"),
    ],
)
def test_severity_levels(text, kwargs, severity):
    assert score_text(text, **kwargs).severity == severity


def test_reach_engagement_velocity_urgency_and_address_each_give_a_reason():
    score = score_text(
        "@acme you ruined my data, there was a data breach and I will sue",
        followers=48_000,
        likes=400,
        replies=50,
        reposts=100,
        age_hours=2.0,
        brand_handles=("@acme",),
    )
    reasons = " | ".join(score.reasons)
    for expected in (
        "reach: 48,000 followers",
        "engagement: 400 likes, 50 replies, 100 reposts",
        "velocity:",
        "urgency: 'data breach'",
        "addressed to the brand: @acme",
    ):
        assert expected in reasons
    assert score.severity == "critical"


def test_velocity_counts_only_when_the_age_is_known():
    slow = score_text(ANGRY, likes=60, age_hours=None)
    fast = score_text(ANGRY, likes=60, age_hours=1.0)
    assert severity_rank(fast.severity) > severity_rank(slow.severity)


def test_a_handle_is_matched_whole_not_as_a_prefix():
    score = score_text("@acme_fans my order never arrived", brand_handles=("acme",))
    assert not any("addressed" in r for r in score.reasons)


def test_urgency_in_a_cheerful_post_stays_low():
    assert severity_rank(score_text("Huge fire sale today, amazing prices!").severity) <= 1


@pytest.mark.parametrize(("name", "rank"), [(s, i) for i, s in enumerate(SEVERITIES)])
def test_severity_rank(name, rank):
    assert severity_rank(name) == rank


def test_unknown_severity_ranks_as_none():
    assert severity_rank("apocalyptic") == 0


@pytest.mark.parametrize(
    "text",
    [
        "Kettlebird base sparked and caught fire, burned my hand",
        "the kettle scalded me when the lid popped open",
        "got a shock touching the switch",
        "burning plastic smell and a scorch mark under the base",
    ],
)
def test_harm_is_at_least_high_whatever_the_reach(text):
    score = score_text(text, followers=0)
    assert score.flagged
    assert severity_rank(score.severity) >= severity_rank("high"), score
    assert score.category == "safety"


def test_a_harm_word_in_a_cheerful_post_is_not_raised():
    assert severity_rank(score_text("This new hot sauce is fire, I love it!").severity) <= 1
