"""The phrase passes of one post (cues, addressee, urgency, harm, spam, category) from one scan.

`scan(lower)` tokenises the lower-cased text once (see `_scan`); each pass is then matched
only where it is asked for, so a post that is not flagged never pays for its category.
This is the one module that combines the phrase tables (cues, category, severity, harm, spam):
they import nothing from here, so the layers run _regex/_scan -> tables -> passes -> the package.
Harm's false friends ("this kettle is fire", "I'd sue for...") lead the urgency pass too, so
slang is read whole there and dropped, not taken for an urgent word.
"""

from __future__ import annotations

from monitor.scoring import category, cues, harm, severity, spam
from monitor.scoring._scan import Pass, PhraseScanner

_BOUNDARY = "#@/"  # cue, category and urgency phrases never follow these (nor a word character)

SCANNER = PhraseScanner(
    [
        Pass("cue", cues.CUE_SOURCES, _BOUNDARY),
        Pass("target", cues.TARGET_SOURCES, _BOUNDARY),
        Pass("urgency", (*harm.FALSE_FRIENDS, *severity.URGENCY), _BOUNDARY),
        Pass("spam", spam.SPAM, "@/"),  # "#free bitcoin" is still spam
        Pass("category", category.CATEGORY_SOURCES, _BOUNDARY),
        Pass("harm", harm.HARM_SOURCES, _BOUNDARY),
    ]
)
_CUE, _TARGET, _URGENCY, _SPAM, _CATEGORY, _HARM = range(6)
_hits = SCANNER.hits
_matches = SCANNER.matches


class Phrases:
    """What the phrase passes find in one lower-cased text; each pass runs on first use."""

    __slots__ = ("_hits", "lower")

    def __init__(self, lower: str) -> None:
        self.lower = lower
        self._hits = _hits(lower)

    def cues(self) -> cues.Cues:
        """The complaint cues (see `find_cues`)."""
        hits = self._hits
        if not hits:
            return cues.cues_from(self.lower, [], [])
        lower = self.lower
        return cues.cues_from(lower, _matches(lower, hits, _CUE), _matches(lower, hits, _TARGET))

    def spam(self) -> str:
        """The first spam phrase, or "" (see `spam_phrase`)."""
        found = _matches(self.lower, self._hits, _SPAM, True) if self._hits else []
        return found[0] if found else ""

    def urgency(self) -> tuple[str, ...]:
        """The urgency words, first occurrence order, deduplicated."""
        if not self._hits:
            return ()
        found = _matches(self.lower, self._hits, _URGENCY)
        if not found:
            return ()
        return tuple(w for w in dict.fromkeys(found) if not harm.is_false_friend(w))

    def harms(self) -> tuple[harm.Harm, ...]:
        """The harm phrases, one per family, in order of appearance (see `harm.harms_from`)."""
        if not self._hits:
            return ()
        return harm.harms_from(_matches(self.lower, self._hits, _HARM))

    def category(self) -> tuple[str, str]:
        """(category, the word that decided it) (see `categorize`)."""
        if not self._hits:
            return "other", ""
        return category.category_from(_matches(self.lower, self._hits, _CATEGORY))


def scan(lower: str) -> Phrases:
    """Tokenise lower-cased text once for all the phrase passes."""
    return Phrases(lower)


def find_cues(lower: str) -> cues.Cues:
    """All complaint cues in already-normalized text (see `cues.normalize`)."""
    return scan(lower).cues()


def urgency_words(lower: str) -> tuple[str, ...]:
    """The urgency words in lower-cased text, first occurrence order, deduplicated."""
    return scan(lower).urgency()


def spam_phrase(lower: str) -> str:
    """The phrase that makes lower-cased text look like spam or a promotion; "" if none."""
    return scan(lower).spam()


def harms(lower: str) -> tuple[harm.Harm, ...]:
    """The harm phrases in lower-cased text, one per family, before any context guard."""
    return scan(lower).harms()


def categorize(lower: str) -> tuple[str, str]:
    """(category, the word that decided it) for lower-cased text; ("other", "") if nothing."""
    return scan(lower).category()
