"""The shape of a post that words alone miss: scare-quoted promises, eye-roll emoji,
exasperated questions ("??", "?!"), a complaint after "but" in praise, and who it is aimed at.

The phrase tables (monitor.scoring.cues) read words; these cues live in quotes, emoji and
punctuation, which the shared word scan does not tokenise. Each check is a cheap character
test first, so a plain post pays for none of the regexes. Pure: text in, a `Shape` out.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Promises and service words that, put in quotes, mean the opposite: 'delivered', "fixed",
# "customer service". Written as data: a word here in quotes is irony, not a citation.
SCARE_WORDS = (
    r"delivered|dispatched|shipped|on (?:its|the) way|out for delivery|arriving (?:today|soon)|"
    r"fixed|resolved|sorted|solved|repaired|refunded|processed|escalated|investigating|"
    r"customer (?:service|care|support)|service|support|help|helpful|assistance|"
    r"express|next[- ]day|same[- ]day|fast|quick|priority|premium|guaranteed|unlimited|free|"
    r"on time|24/7|upgrade|upgraded|improvements?|new and improved|high[- ]speed|superfast|"
    r"working|available|in stock|compensation|apology|discount|deal|genuine|quality|"
    r"soon|shortly|today|tomorrow|within \d+ (?:hours|days)|as promised"
)
_QUOTES = "'\"\u2018\u201c\u201d\u2019"
_SCARE = re.compile(
    r"(?<![\w])['\"\u2018\u201c](" + SCARE_WORDS + r")[.!?,]?['\"\u2019\u201d](?![\w])"
)
# Contempt and mock-cheer: the eye roll, the unamused face, the upside-down smile.
EYE_ROLL = "\U0001f644\U0001f612\U0001f643"
_EYE_ROLL = re.compile(f"[{EYE_ROLL}]")
# Two question marks, or a question with a bang: not a request for information.
_EXASPERATED = re.compile(r"\?\s*[?!]|!\s*\?")
# Where a post turns: the part after the last of these carries what the writer means
# ("love you guys but my order never came").
CONTRAST = (
    r"but|however|although|though|except|unfortunately|sadly|only (?:problem|issue|thing|"
    r"downside|complaint)|(?:the )?(?:one|other) (?:problem|issue|thing)|shame|pity|wish"
)
_CONTRAST = re.compile(r"(?<![\w'])(?:" + CONTRAST + r")(?![\w'])")
# The writer speaks to someone (a handle, "you", "please") or of their own experience ("my",
# "i", "we"): then a verdict is a complaint, not a rant about a third party.
_AIMED = re.compile(
    r"(?<![\w@])@\w|(?<![\w'])(?:you|your|yours|u|ur|y'?all|you'?re|ya|please|pls|plz|i|i'?m|"
    r"i'?ve|i'?d|me|my|mine|we|we'?re|we'?ve|us|our)(?![\w'])"
)


class Shape(NamedTuple):
    """What the non-word cues of one post say."""

    irony: tuple[str, ...] = ()  # scare-quoted promises and eye-roll emoji, as written
    exasperated: str = ""  # the "??" / "?!" found, or ""
    turn: int = -1  # where the part after the last contrast word starts, or -1
    aimed: bool = False  # the post speaks to someone or of the writer's own experience


def shape_of(lower: str) -> Shape:
    """The Shape of a lower-cased post (see the module docstring)."""
    irony: list[str] = []
    if any(q in lower for q in _QUOTES):
        irony.extend(m.group() for m in _SCARE.finditer(lower))
    if not lower.isascii():
        irony.extend(m.group() for m in _EYE_ROLL.finditer(lower))
    exasperated = ""
    if "?" in lower:
        found = _EXASPERATED.search(lower)
        exasperated = found.group() if found else ""
    turn = -1
    for match in _CONTRAST.finditer(lower):
        turn = match.end()
    aimed = bool(_AIMED.search(lower))
    return Shape(tuple(dict.fromkeys(irony)), exasperated, turn, aimed)


def after_turn(lower: str, phrases: tuple[str, ...], turn: int) -> tuple[str, ...]:
    """The phrases that occur after the post's turn (see Shape.turn), in order."""
    if turn < 0:
        return ()
    tail = lower[turn:]
    return tuple(p for p in phrases if p in tail)
