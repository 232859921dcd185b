"""The public API others code against: Score, score_text, score_mention."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from monitor.mention import Mention
from monitor.scoring import SEVERITIES, Score, score_mention, score_text


def test_score_has_exactly_the_agreed_fields_and_is_frozen():
    names = [f.name for f in dataclasses.fields(Score)]
    assert names == ["sentiment", "complaint", "category", "severity", "flagged", "reasons", "lang"]
    score = score_text("my order never arrived")
    with pytest.raises(dataclasses.FrozenInstanceError):
        score.flagged = False  # type: ignore[misc]
    assert isinstance(score.reasons, tuple)
    assert score.severity in SEVERITIES


def test_scoring_is_deterministic():
    text = "Still waiting for my refund, this is a joke @acme"
    assert score_text(text, brand_handles=("@acme",)) == score_text(text, brand_handles=("@acme",))


def test_reasons_read_like_sentences():
    score = score_text("Awful service: my parcel never arrived.", followers=48_000)
    assert "complaint cue: 'never arrived'" in score.reasons
    assert any(r.startswith("negative sentiment -") for r in score.reasons)
    assert "reach: 48,000 followers" in score.reasons


def test_score_mention_uses_the_mentions_numbers_and_age():
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    mention = Mention(
        platform="x",
        external_id="1",
        text="@acme my order never arrived, worst service",
        author_followers=48_000,
        likes=600,
        created_at=now - timedelta(hours=1),
    )
    score = score_mention(mention, brand_handles=("@acme",), now=now)
    assert score == score_text(
        mention.text, followers=48_000, likes=600, age_hours=1.0, brand_handles=("@acme",)
    )
    assert any(r.startswith("velocity:") for r in score.reasons)
    assert score_mention(mention).severity  # no clock: still scores, without velocity


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\x00\x00", "🙂🙃😡" * 100, "مرحبا my parcel never arrived 你好", "a" * 200_000],
)
def test_odd_text_is_scored_without_error(text):
    score = score_text(text)
    assert -1.0 <= score.sentiment <= 1.0
