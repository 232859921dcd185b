"""The sentiment the complaint rules read: VADER without the words that mislead it.

VADER scores "please", "thanks", "like", "help", "hi" as positive, so a polite complaint
("please help, my card was charged twice, thanks") reads as cheerful and its praise
vetoes its problem words. And 😭 or 💀 under "so cute" is joy, which VADER reads as
grief. When a post has problem language, its polite words are left out of the reading; when
it has joy, its crying and skull emoji are. The stored score stays VADER's own compound.
"""

from __future__ import annotations

import re

from monitor.scoring.sentiment import compound

# Politeness and filler that VADER counts as praise. As data: the words of a request, not
# of an opinion ("like" as in "looks like", "help" as in "can you help").
POLITE = (
    "please",
    "pls",
    "plz",
    "kindly",
    "thanks",
    "thank",
    "thx",
    "ty",
    "hi",
    "hello",
    "hey",
    "dear",
    "like",
    "help",
    "helping",
    "hope",
    "hoping",
    "sure",
    "ok",
    "okay",
    "well",
    "yes",
    "appreciate",
    "appreciated",
    "regards",
    "favor",
    "favour",
    "support",
    "care",
    "best",
    "free",
    "wow",
    "lol",
    "haha",
    "advance",
)
# The praise cues (monitor.scoring.cues.PRAISE) that are only manners: other praise ("love
# it", "brilliant") is meant, and a post with it keeps its polite words.
POLITE_PRAISE = frozenset({"thanks", "thank", "thank you", "thx", "ty", "cheers", "appreciate"})
_POLITE = re.compile(r"(?<![\w'])(?:" + "|".join(POLITE) + r")(?![\w'])")
# Tears and skulls that are laughter or delight next to joy words.
JOY_TEARS = "\U0001f62d\U0001f602\U0001f480\U0001f979\U0001f972"
_TEARS = re.compile(f"[{JOY_TEARS}]")
JOY = (
    r"so (?:cute|good|funny|happy|proud|excited|beautiful|sweet|pretty|amazing)|"
    r"(?:i'?m|im) (?:crying|dead|screaming|weak)|lmao+|lmfao|lol+|haha\w*|omg|"
    r"can'?t wait|finally|yay|yess+|love|loved|loving|adorable|best|perfect|obsessed|"
    r"[\u2764\U0001f60d\U0001f970\U0001f389\U0001f495\U0001f496\U0001f64c\U0001f973]"
)
_JOY = re.compile(r"(?<![\w])(?:" + JOY + r")")
_CRY_WORDS = re.compile(r"(?<![\w'])(?:crying|dead|cry|dying|screaming)(?![\w'])")


def without_polite(lower: str) -> str:
    """The post with its polite words left out."""
    return _POLITE.sub(" ", lower)


def joyful_tears(lower: str) -> str:
    """The crying or skull emoji of a post that also says joy, or "" when there is none."""
    if lower.isascii():
        return ""
    tears = _TEARS.search(lower)
    if tears is None or not _JOY.search(lower):
        return ""
    return tears.group()


def rule_sentiment(lower: str, sentiment: float, troubled: bool) -> tuple[float, str]:
    """(the sentiment the rules read, a reason when it differs from VADER's).

    `troubled`: the post has problem language, so polite words are not praise.
    """
    if troubled and sentiment > 0 and _POLITE.search(lower):
        plain = compound(without_polite(lower))
        if plain < sentiment:
            return plain, f"polite words set aside: sentiment {plain:.2f}"
        return sentiment, ""
    if sentiment < 0 and not troubled:
        tears = joyful_tears(lower)
        if tears:
            plain = compound(_CRY_WORDS.sub(" ", _TEARS.sub(" ", lower)))
            if plain > sentiment:
                return plain, f"{tears} with joy read as joy: sentiment {plain:.2f}"
    return sentiment, ""
