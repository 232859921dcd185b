"""The pure scoring core: sentiment, complaint cues, category and severity, with reasons.

No I/O and no clock: the same text and numbers always give the same `Score`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from monitor.language import detect
from monitor.mention import Mention, as_utc
from monitor.scoring import foreign
from monitor.scoring.category import CATEGORIES
from monitor.scoring.cues import Cues, is_verdict, normalize
from monitor.scoring.harm import Harm, about_a_problem
from monitor.scoring.irony import Shape, after_turn, shape_of
from monitor.scoring.passes import Phrases, scan
from monitor.scoring.sentiment import compound
from monitor.scoring.severity import SEVERITIES, assess, severity_rank
from monitor.scoring.thresholds import is_negative, is_positive
from monitor.scoring.tone import POLITE_PRAISE, rule_sentiment

__all__ = [
    "CATEGORIES",
    "SEVERITIES",
    "Score",
    "age_in_hours",
    "complaint_points",
    "judge",
    "score_mention",
    "score_text",
    "severity_rank",
]

# A post is a complaint when its cues add up to this many points (see complaint_points).
COMPLAINT_POINTS = 2
# A post that is not a complaint is still flagged when at least this negative.
NEGATIVE_FLAG = -0.6
_EN = foreign.ENGLISH  # languages the English rules alone judge
_PLAIN = Shape()


@dataclass(frozen=True, slots=True)
class Score:
    """What the scoring core thinks of one post."""

    sentiment: float  # VADER compound, -1 .. 1
    complaint: bool
    category: str
    severity: str  # one of SEVERITIES
    flagged: bool  # needs a recovery case
    reasons: tuple[str, ...]
    lang: str = ""  # ISO 639-1 code of the post, or "und" (monitor.language)


def complaint_points(
    sentiment: float,
    cues: Cues,
    urgent: bool = False,
    shape: Shape = _PLAIN,
    turned: bool = False,
) -> int:
    """Evidence that a post is a complaint, in points.

    A breach of expectation 3 (4 for two or more), problem words 1 each (at most 2), sarcasm
    or irony (scare quotes, an eye roll) 3, an urgency word (lawsuit, fire, injury...) 2
    unless the post is cheerful, negative sentiment 1 (2 below -0.5), an exasperated question
    ("??", "?!") 1. Strong positive sentiment, thanks and a plain information question count
    1 against each, unless a breach or sarcasm is present, or the problem comes after the
    post's turn ("love you but ...": `turned`). The writer's own slip ("i accidentally
    ordered two") takes 3 off: a request, not a grievance. A verdict alone ("worst",
    "disgusting") aimed at nobody and naming no service is a rant and counts nothing.
    """
    points = 0
    rant = _rant(cues, shape)
    if cues.breach and not rant:
        points += 3 + min(len(cues.breach) - 1, 1)
    points += min(len(cues.problem), 2)
    sarcastic = bool(cues.sarcasm or shape.irony)
    if sarcastic:
        points += 3
    if urgent and sentiment < 0.5:
        points += 2
    # Negativity alone ("Brutal.", "so heartbreaking") is mood, not a complaint: it counts
    # double only next to complaint language.
    spoken = not rant and bool(
        cues.breach
        or cues.problem
        or cues.waiting
        or cues.issue
        or cues.address
        or cues.problem_question
    )
    negative = is_negative(sentiment)
    if sentiment <= -0.5:
        points += 2 if spoken else 1
    elif negative:
        points += 1
    troubled = bool(cues.breach or cues.problem or sarcastic) or negative
    if cues.waiting:
        points += 1
    if cues.problem_question:
        points += 1
    if shape.exasperated and (troubled or cues.problem_question):
        points += 1
    if cues.address and troubled:
        points += 1
    if cues.issue and (troubled or cues.question):
        points += 1
    unhappy = bool(cues.breach or sarcastic) or turned
    if sentiment >= 0.5 and not unhappy:
        points -= 1
    if cues.praise and not unhappy and not cues.problem:
        points -= 1
    asking = bool(cues.problem_question) or bool(shape.exasperated and troubled)
    if cues.question and not troubled and not asking:
        points -= 1
    if cues.own and not sarcastic:
        points -= 3
    return points


def _rant(cues: Cues, shape: Shape) -> bool:
    """A verdict aimed at nobody and naming no service: "the Browns are the worst".

    (`judge` marks a post that names a service, "worst customer service ever", as aimed.)
    """
    if not cues.breach or shape.aimed:
        return False
    if cues.issue or cues.address or cues.waiting or cues.problem_question or cues.problem:
        return False
    return all(is_verdict(b) for b in cues.breach)


def score_text(
    text: str,
    *,
    followers: int = 0,
    likes: int = 0,
    replies: int = 0,
    reposts: int = 0,
    age_hours: float | None = None,
    brand_handles: tuple[str, ...] = (),
    lang: str | None = None,
    lexicons: foreign.Lexicons | None = None,
) -> Score:
    """Score one post's text with its reach and engagement numbers.

    `lang` is the post's language when already known; None detects it from the text.
    `lexicons` are the brand's complaint lexicons for other languages (None: the shipped ones).
    """
    lower = normalize(text)
    return judge(
        compound(text),
        scan(lower),
        followers=followers,
        likes=likes,
        replies=replies,
        reposts=reposts,
        age_hours=age_hours,
        brand_handles=brand_handles,
        lang=detect(text) if lang is None else lang,
        lexicons=lexicons,
    )


def judge(
    sentiment: float,
    phrases: Phrases,
    *,
    followers: int = 0,
    likes: int = 0,
    replies: int = 0,
    reposts: int = 0,
    age_hours: float | None = None,
    brand_handles: tuple[str, ...] = (),
    lang: str = "",
    lexicons: foreign.Lexicons | None = None,
) -> Score:
    """The Score of a post from its sentiment and the phrases found in its lower-cased text.

    `phrases` is anything with Phrases' methods: tests pass a plain-regex twin to check the
    shared scan finds exactly what one regex per pass would.
    """
    lower = phrases.lower
    cues = phrases.cues()
    spam = phrases.spam() if not cues.breach else ""
    if spam:
        return Score(
            sentiment=sentiment,
            complaint=False,
            category="other",
            severity="none",
            flagged=False,
            reasons=(f"looks like spam: '{spam}'",),
            lang=lang,
        )
    urgent = phrases.urgency()
    shape = shape_of(lower)
    if _rant(cues, shape) and phrases.category()[1]:
        shape = shape._replace(aimed=True)  # it names a service: "worst customer service"
    # "help" asks for help: only other problem language makes polite words suspect.
    troubled = bool(
        cues.breach or cues.sarcasm or cues.waiting or any(p != "help" for p in cues.problem)
    )
    # The rules read VADER without polite words (in trouble, with no praise beyond thanks) or
    # without joyful tears (in joy).
    vader = sentiment
    praised = any(p not in POLITE_PRAISE for p in cues.praise)
    sentiment, tone_reason = rule_sentiment(
        lower, sentiment, (troubled or bool(shape.irony)) and not praised
    )
    turned = bool(after_turn(lower, (*cues.breach, *cues.problem), shape.turn))
    points = complaint_points(sentiment, cues, bool(urgent), shape, turned)
    complaint = points >= COMPLAINT_POINTS
    # Another language: its own lexicon and the language-free cues (None for English).
    other = foreign.evidence(lower, lang, brand_handles, lexicons) if lang not in _EN else None
    if other is not None and other.complaint:
        complaint = True
        urgent = (*urgent, *other.danger)
    harms = _harms_that_count(phrases.harms(), sentiment, cues, complaint)
    addressed = _addressed(lower, brand_handles) if brand_handles else ""
    severity, severity_reasons = assess(
        sentiment=sentiment,
        complaint=complaint,
        urgent=urgent,
        followers=followers,
        likes=likes,
        replies=replies,
        reposts=reposts,
        age_hours=age_hours,
        addressed=addressed,
        harms=harms,
    )
    # Harm is a case even when the words are calm: VADER reads a worried parent as positive.
    # A very negative post is flagged even without complaint words, unless it is a rant
    # aimed at nobody ("the Browns are the worst") or the writer's own slip.
    gloomy = (
        sentiment <= NEGATIVE_FLAG
        and severity != "none"
        and not _rant(cues, shape)
        and not cues.own
    )
    flagged = complaint or bool(harms) or gloomy
    reasons: list[str] = []
    if is_negative(vader):
        reasons.append(f"negative sentiment {vader:.2f}")
    elif is_positive(vader):
        reasons.append(f"positive sentiment {vader:.2f}")
    if tone_reason and (complaint or flagged):
        reasons.append(tone_reason)
    # Each family is usually empty: test before building a generator for it.
    if cues.breach:
        reasons.extend(f"complaint cue: '{c}'" for c in cues.breach[:3])
    if cues.problem:
        reasons.extend(f"problem word: '{c}'" for c in cues.problem[:3])
    if cues.sarcasm:
        reasons.extend(f"sarcasm: '{c}'" for c in cues.sarcasm[:2])
    if shape.irony:
        reasons.extend(f"irony: {c}" for c in shape.irony[:2])
    if shape.exasperated and complaint:
        reasons.append(f"exasperated question '{shape.exasperated}'")
    if turned and complaint:
        reasons.append("complaint after the turn in praise ('but ...')")
    if cues.own and not complaint:
        reasons.append(f"own doing, a request: '{cues.own[0]}'")
    if cues.breach and not complaint and _rant(cues, shape):
        reasons.append("a verdict aimed at no one: a rant, not a complaint")
    if cues.negated:
        reasons.extend(f"negated: '{c}'" for c in cues.negated[:2])
    if other is not None and other.reasons:
        reasons.extend(other.reasons)
    if cues.question and not complaint:
        reasons.append("reads as a question")
    if complaint or flagged:
        category, why = phrases.category()
        danger = next((h.phrase for h in harms if h.floor == "critical"), "")
        if danger and category != "safety":
            category, why = "safety", danger
        elif other is not None and other.danger and category != "safety":
            category, why = "safety", other.danger[0]
        if why:
            reasons.append(f"category {category}: '{why}'")
    else:
        category = "other"
    reasons.extend(severity_reasons)
    return Score(
        sentiment=vader,
        complaint=complaint,
        category=category,
        severity=severity,
        flagged=flagged,
        reasons=tuple(reasons),
        lang=lang,
    )


def _harms_that_count(
    found: tuple[Harm, ...], sentiment: float, cues: Cues, complaint: bool
) -> tuple[Harm, ...]:
    """The harm phrases of a post that is about a problem (see `harm.about_a_problem`).

    Problem words are many and loose ("even", "safe", "never"), so in a cheerful post of
    praise ("safe for my toddler, love it") they are not trouble.
    """
    if not found:
        return ()
    negative = is_negative(sentiment)
    strong = bool(cues.breach or cues.sarcasm)
    cheerful = bool(cues.praise) and is_positive(sentiment) and not strong
    # A problem word that is the harm phrase itself ("outage") says nothing more.
    said = {h.phrase for h in found}
    problem = any(w not in said for w in cues.problem)
    troubled = not cheerful and (strong or problem or bool(cues.problem_question))
    return tuple(
        h
        for h in found
        if about_a_problem(
            h.family,
            complaint=complaint,
            negative=negative,
            troubled=troubled,
            question=cues.question and not cheerful,
            cheerful=cheerful,
        )
    )


def score_mention(
    mention: Mention,
    *,
    brand_handles: tuple[str, ...] = (),
    now: datetime | None = None,
    lang: str | None = None,
    lexicons: foreign.Lexicons | None = None,
) -> Score:
    """Score a Mention; its age (for engagement velocity) is known when `now` is given.

    `lang` None detects the language, the mention's own tag a fallback for a short text.
    """
    return score_text(
        mention.text,
        followers=mention.author_followers,
        likes=mention.likes,
        replies=mention.replies,
        reposts=mention.reposts,
        age_hours=age_in_hours(mention.created_at, now),
        brand_handles=brand_handles,
        lang=detect(mention.text, mention.lang) if lang is None else lang,
        lexicons=lexicons,
    )


def age_in_hours(created: datetime | None, now: datetime | None) -> float | None:
    """Hours from `created` to `now` (never negative); None when either is unknown."""
    if now is None or created is None:
        return None
    delta = as_utc(now) - as_utc(created)  # type: ignore[operator]
    return max(delta.total_seconds() / 3600.0, 0.0)


@lru_cache(maxsize=256)
def _handles_re(handles: tuple[str, ...]) -> re.Pattern[str] | None:
    names = sorted({h.strip().lstrip("@").lower() for h in handles if h.strip().lstrip("@")})
    if not names:
        return None
    return re.compile(r"(?<![\w@])@(?:" + "|".join(map(re.escape, names)) + r")(?![\w])")


def _addressed(lower: str, handles: tuple[str, ...]) -> str:
    pattern = _handles_re(handles)
    if pattern is None or "@" not in lower:
        return ""
    match = pattern.search(lower)
    return match.group() if match else ""
