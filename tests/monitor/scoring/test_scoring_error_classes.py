"""The rule errors a read of misses and false flags shows most often, one table per class.

Each row is a general phrasing of its class (not a row of any labeled set): facts of failure
with no opinion word, failures that inflect ("hasn't worked", "never loads"), waiting counted
in time, mock praise next to a failure, and on the other side positive idioms made of
problem words.
"""

from __future__ import annotations

import pytest

from monitor.scoring import score_text
from monitor.scoring.cues import normalize
from monitor.scoring.passes import find_cues

# Failures told as facts: no sentiment word, still a complaint.
FACTUAL_FAILURES = [
    ("@acme the reset hasn't worked, same error", "hasn't worked"),
    ("@shopco still waiting on a call back from your team", "waiting on a call back"),
    ("@power we don't have power on our street since this morning", "don't have power"),
    ("@courier my parcel should have arrived by Friday", "should have arrived by"),
    ("@bankly the app says my card doesn't exist", "says my card doesn't exist"),
    ("@cloudco the sync never loads on my laptop", "never loads"),
    ("@appco I'm not able to log in on any device", "not able to log in"),
    ("@streamit the player keeps on buffering tonight", "keeps on buffering"),
    ("@isp spoke to three agents and no solution so far", "no solution"),
    ("@gadget the new battery is not any better than the old one", "not any better"),
]

# Demands to undo a change and expletive questions: weak cues that tip a complaint.
DEMANDS = [
    ("@appco bring back the old layout, the new one is slow", "bring back"),
    ("what the hell @airline, my bag is missing", "what the hell"),
]

# Waiting counted in time: a weak cue (one point), found however it is said.
WAITING = [
    ("restock the blue jacket, it's been like 3 months", "it's been like 3 months"),
    ("its been 3 days", "its been 3 days"),
    ("it has been over a week", "it has been over a week"),
]

# Sarcasm: mock praise or gratitude next to a failure, rhetorical "could it be any harder".
SARCASM = [
    ("Great, another delay on the 8:05. Thanks @rail", "great, another"),
    ("Thanks for nothing @telco", "thanks for nothing"),
    ("@parcelco what a treat, a 5 hour delay and no update", "what a treat"),
    ("@bank could you make it any harder to close an account?", "make it any harder"),
    ("@shop exactly what I wanted, the wrong size again", "exactly what i wanted"),
    ("@ticketco love paying a booking fee bigger than the ticket, still no refund", "love paying"),
    ("@hotel so glad I paid extra for a room that was never cleaned", "glad i paid"),
    ("@courier my 'express' parcel is still not here", "'express'"),
    ("@isp wonderful service, truly. Down again", "wonderful service, truly"),
    ("@app update deleted my photos 🙄", "🙄"),
]

# Positive idioms built of problem words: not complaints.
IDIOMS = [
    "Don't worry, I lost my keys again but found them, all good",
    "Couldn't help it, bought the second pair too",
    "All things considered I could do a lot worse than this phone",
    "I would die for their garlic bread",
    "Never had any problems with this brand, five years now",
    "Can't wait for the new season to drop!",
]


@pytest.mark.parametrize(("text", "cue"), FACTUAL_FAILURES + DEMANDS)
def test_failures_told_as_facts_are_flagged_with_the_cue_named(text: str, cue: str) -> None:
    score = score_text(text, lang="en")
    assert score.flagged, score
    assert any(cue in reason for reason in score.reasons), score.reasons


@pytest.mark.parametrize(("text", "said"), WAITING)
def test_waiting_counted_in_time_is_a_waiting_cue(text: str, said: str) -> None:
    assert find_cues(normalize(text)).waiting == (said,)


@pytest.mark.parametrize(("text", "cue"), SARCASM)
def test_sarcasm_next_to_a_failure_is_a_complaint_and_says_so(text: str, cue: str) -> None:
    score = score_text(text, lang="en")
    assert score.complaint, score
    assert any(cue in reason for reason in score.reasons), score.reasons


@pytest.mark.parametrize("text", IDIOMS)
def test_positive_idioms_made_of_problem_words_are_not_flagged(text: str) -> None:
    score = score_text(text, lang="en")
    assert not score.flagged, score


@pytest.mark.parametrize(
    "text",
    [
        "So glad I spent the weekend at the beach with the family",
        "What a treat, fresh croissants at the office",
        "Really impressed with how fast the new phone charges",
    ],
)
def test_mock_praise_phrases_alone_are_praise(text: str) -> None:
    assert not score_text(text, lang="en").flagged
