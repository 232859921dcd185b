"""Severity that sees harm: each family raises a post about a problem to its floor, with a
reason naming the harm; slang, negation and praise that only contain a harm word do not."""

from __future__ import annotations

import pytest

from monitor.scoring import score_text
from monitor.scoring.passes import harms

# (family, floor, text, the phrase the reason quotes); no followers, no engagement: the floor
# alone decides, as it must for a worried parent with twelve followers.
POSITIVES = [
    (
        "data exposure",
        "critical",
        "The app shows other customers' order history if you change the URL",
        "other customers' order history",
    ),
    (
        "data exposure",
        "critical",
        "I can see someone else's address in my account page",
        "someone else's address",
    ),
    (
        "data exposure",
        "critical",
        "my card details were leaked after ordering from you",
        "card details were leaked",
    ),
    (
        "data exposure",
        "critical",
        "got an email about unusual account activity. is this a data breach?",
        "data breach",
    ),
    (
        "child safety",
        "critical",
        "Is the new descaler batch safe for my toddler?",
        "safe for my toddler",
    ),
    (
        "child safety",
        "critical",
        "my kid swallowed some of the descaler tablet, what do I do",
        "my kid swallowed",
    ),
    (
        "child safety",
        "critical",
        "the descaler gave my son an allergic reaction",
        "allergic reaction",
    ),
    (
        "child safety",
        "critical",
        "the coffee made me sick, pretty sure it's food poisoning",
        "made me sick",
    ),
    ("injury", "critical", "burned my hand when the lid popped open", "burned my hand"),
    ("injury", "critical", "the handle came off, boiling water down my leg, a night in A&E", "a&e"),
    ("injury", "critical", "cut myself on the sharp edge of the filter basket", "cut myself"),
    ("injury", "critical", "ended up in hospital after the glass jug shattered", "hospital"),
    ("fire", "critical", "my kettle caught fire on the counter this morning", "caught fire"),
    ("fire", "critical", "sparks coming from the base when I switch it on", "sparks"),
    ("fire", "critical", "the cord melted where it meets the base", "melted"),
    ("fire", "critical", "smoke coming out of the bottom of the machine", "smoke coming"),
    ("fire", "critical", "got a shock touching the switch", "got a shock"),
    ("legal threat", "high", "my lawyer will be in touch about the scalding", "my lawyer"),
    ("legal threat", "high", "I will sue you if this isn't refunded", "will sue"),
    (
        "legal threat",
        "high",
        "class action anyone? six people here with broken bases",
        "class action",
    ),
    ("legal threat", "high", "taking this to small claims, you refused my refund", "small claims"),
    (
        "regulator",
        "high",
        "reporting you to trading standards, you refuse a refund",
        "trading standards",
    ),
    ("regulator", "high", "filed a complaint with the FTC about the missing refund", "ftc"),
    (
        "regulator",
        "high",
        "reporting the descaler batch to the product safety people, this isn't right",
        "product safety people",
    ),
    (
        "regulator",
        "high",
        "GDPR complaint going in today, you ignored my request",
        "gdpr complaint",
    ),
    (
        "media",
        "high",
        "contacting the press about this, three weeks without a refund",
        "contacting the press",
    ),
    ("media", "high", "a journalist asked me about my broken kettle", "journalist"),
    ("media", "high", "if nobody replies today I'm going to the news", "going to the news"),
    ("mass outage", "high", "the app is down for everyone", "down for everyone"),
    ("mass outage", "high", "nobody can log in to the app this morning", "nobody can log in"),
    ("mass outage", "high", "is there an outage? can't place an order", "outage"),
    ("mass outage", "high", "all customers are getting an error at checkout", "all customers"),
]


@pytest.mark.parametrize(("family", "floor", "text", "phrase"), POSITIVES)
def test_harm_raises_severity_to_its_floor_with_a_reason(family, floor, text, phrase):
    score = score_text(text)
    assert score.severity == floor, score
    assert f"harm: {family} '{phrase}'" in score.reasons
    assert score.flagged


def test_every_family_has_three_positives_or_more():
    families = [family for family, *_ in POSITIVES]
    assert {f: families.count(f) >= 3 for f in families} == dict.fromkeys(families, True)


@pytest.mark.parametrize(
    "text",
    [
        "Is the new descaler batch safe for my toddler?",
        "The app shows other customers' order history if you change the URL",
        "smoke coming out of the bottom of the machine",
    ],
)
def test_a_calm_report_of_harm_is_flagged_though_vader_reads_it_as_fine(text):
    score = score_text(text)
    assert score.sentiment > -0.05  # VADER alone: neutral or positive, never flagged
    assert score.flagged
    assert score.category == "safety"


# Slang, negation, hypotheticals and praise that contain a harm word but report no harm.
FALSE_FRIENDS = [
    "this kettle is fire 🔥",
    "This new hot sauce is fire, I love it!",
    "Huge fire sale today, amazing prices!",
    "this kettle is on fire, love it",
    "I'd sue for a kettle this good",
    "I'd sue for a kettle this good, never going back",
    "no smoke, no fuss, just great coffee",
    "Finally a kettle that's safe for my toddler to be around, love it",
    "my lawyer loves this kettle",
    "best kettle in the news this year",
    "outage? no, just me being impatient 😂",
    "the press of a button and it boils, love it",
    "Sue at the help desk was lovely",
    "Love my french press from Kettlebird",
]


@pytest.mark.parametrize("text", FALSE_FRIENDS)
def test_a_harm_word_in_a_post_that_is_not_about_a_problem_does_not_fire(text):
    score = score_text(text)
    assert not any(r.startswith("harm:") for r in score.reasons), score
    assert score.severity in ("none", "low"), score


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("no smoke, no sparks", ()),
        ("this kettle is fire", ()),
        ("i'd sue for a kettle this good", ()),
        ("it didn't catch fire, but it sparked", (("fire", "sparked"),)),
        (
            "my lawyer says the data breach is real",
            (("legal threat", "my lawyer"), ("data exposure", "data breach")),
        ),
    ],
)
def test_the_scan_reads_false_friends_whole_and_keeps_one_phrase_per_family(text, found):
    assert tuple((h.family, h.phrase) for h in harms(text)) == found


def test_harm_and_reach_together_stay_critical_and_give_both_reasons():
    score = score_text("my kettle caught fire, you ignored me", followers=480_000, likes=900)
    assert score.severity == "critical"
    assert "reach: 480,000 followers" in score.reasons
    assert "harm: fire 'caught fire'" in score.reasons
