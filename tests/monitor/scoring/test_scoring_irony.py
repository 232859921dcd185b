"""Sarcasm, irony and the rule errors of issue 12 item 5, table-driven: each row is one rule."""

from __future__ import annotations

import pytest

from monitor.scoring import score_text
from monitor.scoring.cues import is_verdict
from monitor.scoring.irony import after_turn, shape_of
from monitor.scoring.tone import joyful_tears, rule_sentiment, without_polite

# (post, a reason that must name why it is a complaint)
COMPLAINTS = [
    # sarcasm and irony
    ("Great, another 'delivered' package that isn't here. Thanks 🙄", "irony: 'delivered'"),
    ('The "fixed" router dropped out twice tonight', 'irony: "fixed"'),
    ("Thanks for nothing @acme", "sarcasm: 'thanks for nothing'"),
    ("Wonderful service, truly. Third cancelled train this week", "sarcasm: 'wonderful service,"),
    ("Oh great, more delays at the depot", "sarcasm: 'oh great'"),
    ("Thanks for losing my suitcase @skyway", "sarcasm: 'thanks for losing"),
    ("slow clap for the billing team", "sarcasm: 'slow clap'"),
    ("Thanks @acme 🙄", "irony: 🙄"),
    # facts of failure, with no opinion word
    ("@shopco promised for delivery today, just dispatched", "complaint cue: 'promised"),
    ("hour 4 at the gate, no one from @skyway around", "complaint cue: 'hour 4 at'"),
    ("3 days since we ordered and the tracking has not moved", "since we ordered"),
    ("@telco no call till now", "complaint cue: 'no call till now'"),
    ("Tracking says delivered but the porch is empty", "says delivered'"),
    ("@acme they do not reply to emails", "complaint cue: 'do not reply'"),
    # questions that are complaints
    ("@powerco when will our power be back on??", "exasperated question '??'"),
    ("@streamly it shows an error on my tv. What gives?", "problem word: 'error'"),
    ("@acme where is the refund you promised?", "complaint cue"),
    # polite words do not veto the problem
    ("@bank hi, please help, my card was declined again, thanks", "polite words set aside"),
    # a complaint inside praise
    ("Love you @skyway but my bag has been lost for a week", "complaint after the turn"),
]

NOT_COMPLAINTS = [
    # rants aimed at no one, naming no service
    "The Browns are the worst",
    "this weather is a nightmare",
    "sucks to be a Mondays person",
    # support requests without a grievance
    "@shopco I accidentally ordered two, can I cancel one please?",
    "@shopco my mistake, I put the wrong address on the order. Can you change it?",
    "@TwitterSupport please help",
    # positive idioms built of problem words
    "Can't wait for the new season @streamly",
    "No worries, it arrived today",
    "couldn't put it down, what a book",
    "will never get tired of this view",
    # tears of joy
    "this puppy is so cute 😭😭",
    "I'm crying 😂 best ad ever @acme",
]


@pytest.mark.parametrize(("text", "why"), COMPLAINTS)
def test_irony_and_facts_of_failure_are_complaints_with_their_reason(text: str, why: str) -> None:
    score = score_text(text)
    assert score.complaint and score.flagged, score
    assert any(why in reason for reason in score.reasons), score.reasons


@pytest.mark.parametrize("text", NOT_COMPLAINTS)
def test_rants_requests_idioms_and_joy_are_not_flagged(text: str) -> None:
    score = score_text(text)
    assert not score.flagged, score


@pytest.mark.parametrize(
    ("text", "irony", "exasperated", "aimed"),
    [
        ("my 'express' parcel", ("'express'",), "", True),  # "my": the writer's own
        ("the “customer service” line", ("“customer service”",), "", False),
        ("quoting 'hamlet' here", (), "", False),  # not a promise word
        ("seriously?!", (), "?!", False),
        ("why?? @acme", (), "??", True),
        ("you said today 🙄", ("🙄",), "", True),
        ("a plain post", (), "", False),
    ],
)
def test_shape_finds_scare_quotes_eye_rolls_exasperation_and_an_addressee(
    text: str, irony: tuple[str, ...], exasperated: str, aimed: bool
) -> None:
    found = shape_of(text)
    assert (found.irony, found.exasperated, found.aimed) == (irony, exasperated, aimed)


@pytest.mark.parametrize(
    ("text", "phrases", "after"),
    [
        ("love it but it broke", ("broke",), ("broke",)),
        ("it broke, but i love it", ("broke",), ()),
        ("no turn here, it broke", ("broke",), ()),
    ],
)
def test_after_turn_keeps_the_phrases_after_the_last_contrast_word(text, phrases, after) -> None:
    assert after_turn(text, phrases, shape_of(text).turn) == after


@pytest.mark.parametrize(
    ("phrase", "verdict"),
    [("worst", True), ("disgusting", True), ("never arrived", False), ("charged twice", False)],
)
def test_verdicts_are_opinion_words_and_failures_are_not(phrase: str, verdict: bool) -> None:
    assert is_verdict(phrase) is verdict


def test_polite_words_are_left_out_of_the_reading() -> None:
    assert without_polite("hi please help thanks").split() == []


@pytest.mark.parametrize(
    ("text", "tears"),
    [("so cute 😭", "😭"), ("lmao 💀", "💀"), ("my order is lost 😭", ""), ("plain text", "")],
)
def test_joyful_tears_need_a_joy_word(text: str, tears: str) -> None:
    assert joyful_tears(text) == tears


@pytest.mark.parametrize(
    ("text", "sentiment", "troubled", "lower_or_higher"),
    [
        ("please help, thanks, it is broken", 0.6, True, "lower"),
        ("so cute 😭", -0.5, False, "higher"),
        ("please help, thanks", 0.6, False, "same"),  # no problem: politeness is politeness
    ],
)
def test_rule_sentiment_moves_only_where_vader_is_misled(
    text: str, sentiment: float, troubled: bool, lower_or_higher: str
) -> None:
    read, reason = rule_sentiment(text, sentiment, troubled)
    moved = "lower" if read < sentiment else "higher" if read > sentiment else "same"
    assert moved == lower_or_higher
    assert bool(reason) == (moved != "same")
