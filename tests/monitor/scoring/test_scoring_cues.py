"""Complaint cues, table-driven: each line reads as one rule of the spec."""

from __future__ import annotations

import pytest

from monitor.scoring import score_text
from monitor.scoring.cues import normalize
from monitor.scoring.passes import find_cues

COMPLAINTS = [
    ("my order never arrived", "never arrived"),
    ("Still waiting for my refund after 3 weeks", "still waiting"),
    ("I was charged twice for the same order", "charged twice"),
    ("45 minutes on hold and then they hung up on me", "on hold"),
    ("The app is not working since the update", "not working"),
    ("No response to my emails for a week", "no response"),
    ("worst customer service I have ever had", "worst"),
    ("My flight was cancelled and nobody told me", "flight was cancelled"),
    ("Thanks for nothing, @acme", "thanks for nothing"),
    ("The screen arrived cracked", "cracked"),
    ("I can't log in to my account", "can't log in"),
    ("Why is my package three days late?", "why is"),
    ("I don’t think the router works, it doesn’t connect at all", "doesn't connect"),
    ("my account keeps logging me out, any suggestions?", "keeps logging me out"),
    ("the app has been down since Monday, when will it be fixed?", "been down"),
    ("I have emailed several times and been ignored", "several times"),
    ("your customer service is a joke, nobody answers", "joke"),
]

NOT_COMPLAINTS = [
    "How do I change my delivery address?",
    "Love my new blender, thank you!",
    "No problems at all with my order, arrived early",
    "Can you recommend a good size for a 10 year old?",
    "Great job on the new release, team",
    "Just bought tickets for the concert tonight",
]


@pytest.mark.parametrize(("text", "cue"), COMPLAINTS)
def test_complaint_language_is_a_complaint_and_the_cue_is_named(text, cue):
    score = score_text(text)
    assert score.complaint, score
    assert score.flagged
    assert any(cue in reason for reason in score.reasons), score.reasons


@pytest.mark.parametrize("text", NOT_COMPLAINTS)
def test_questions_praise_and_negated_problems_are_not_complaints(text):
    score = score_text(text)
    assert not score.complaint, score
    assert not score.flagged


@pytest.mark.parametrize(
    ("text", "negated"),
    [("no problem at all", "no problem"), ("not bad, honestly", "not bad")],
)
def test_negated_problem_words_are_read_as_negated(text, negated):
    cues = find_cues(normalize(text))
    assert negated in cues.negated
    assert not cues.breach


def test_sarcasm_turns_praise_into_a_complaint():
    score = score_text("Great job losing my luggage again, thanks a lot")
    assert score.complaint
    assert any(r.startswith("sarcasm:") for r in score.reasons)


def test_typographic_apostrophes_read_as_plain_ones():
    assert normalize("Don’t") == "don't"


def test_a_question_is_flagged_as_a_question():
    assert "reads as a question" in score_text("What time does the store open?").reasons


@pytest.mark.parametrize(
    ("text", "family", "cue"),
    [
        ("waiting since monday for a reply", "waiting", "since monday"),
        ("it has been broken for 3 days now", "waiting", "for 3 days now"),
        ("when will my order ship?", "problem_question", "when will my"),
        ("you guys never answer", "address", "you guys"),
        ("your app is slow", "address", "your app"),
        ("my flight was cancelled", "issue", "my flight"),
        # who a post speaks to is found even inside another cue (overlapping matches)
        ("are you guys aware of this?", "address", "you guys"),
        ("are you guys aware of this?", "problem_question", "are you guys aware"),
        ("thanks for ignoring all my tweets", "sarcasm", "thanks for ignoring"),
        ("a 25 minute wait time when calling", "breach", "25 minute wait time"),
        ("i did not receive the certificate", "breach", "did not receive"),
        ("it turns off randomly", "breach", "turns off randomly"),
        ("any updates please", "problem_question", "any updates"),
        ("the staff were not helpful at all", "breach", "not helpful"),
    ],
)
def test_waiting_problem_questions_address_and_issue_nouns(text, family, cue):
    assert cue in getattr(find_cues(normalize(text)), family)


def test_an_issue_noun_does_not_hide_the_breach_after_it():
    cues = find_cues(normalize("my flight was cancelled"))
    assert "flight was cancelled" in cues.breach


@pytest.mark.parametrize("text", ["Brutal.", "So heartbreaking, I cried at the end of that film"])
def test_negative_mood_without_complaint_language_is_not_a_complaint(text):
    # Still flagged when very negative (a manager wants to see it), but not called a complaint.
    assert not score_text(text).complaint


@pytest.mark.parametrize("text", ["hope the treatments keep working", "it keeps working fine"])
def test_things_that_keep_working_are_not_a_breach(text):
    assert not find_cues(normalize(text)).breach
